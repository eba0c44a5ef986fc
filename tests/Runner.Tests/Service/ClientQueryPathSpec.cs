using DcSim.Runner.Commands;
using Xunit;

namespace DcSim.Runner.Tests.Service;

/// <summary>`dcsim query ID PATH`: an entity's path as users write it, or one of the service's own resources.</summary>
public sealed class ClientQueryPathSpec
{
    [Theory]
    [InlineData("host3", "entities/host3")]
    [InlineData("host3/kvm-0/stack", "entities/host3/kvm-0/stack")]
    [InlineData("/host3/", "entities/host3")]
    [InlineData("leaf0", "entities/leaf0")]
    [InlineData("servers", "servers")]
    [InlineData("servers/host8", "servers/host8")]
    [InlineData("entities/host8/kvm-0", "entities/host8/kvm-0")]
    [InlineData("series?name=cwnd/", "series?name=cwnd/")]
    public void Query_path_must_name_the_resource_the_service_answers(string path, string resource) =>
        Assert.Equal(resource, ClientCommands.Resource(path));
}
