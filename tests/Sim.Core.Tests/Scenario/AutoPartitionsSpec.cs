using DcSim.SimCore.Scenario;
using Xunit;

namespace DcSim.SimCore.Tests.Scenario;

/// <summary>What kernel.partitions = auto resolves to, from the members, the cores and the fabric.</summary>
public sealed class AutoPartitionsSpec
{
    private static readonly KernelSettings Auto = new(0, 1);

    [Theory]
    [InlineData(1, 2, 512, 16, 2)]      // the large benchmark fabric on 2 cores: one partition per core
    [InlineData(1, 2, 128, 8, 1)]       // the medium one: too few hosts to pay for a barrier per window
    [InlineData(1, 1, 512, 16, 1)]      // one core: never split
    [InlineData(1, 16, 512, 16, 2)]     // many cores: each partition keeps its 256 hosts
    [InlineData(1, 16, 10_240, 160, 16)] // 10,240 hosts: one per core
    [InlineData(1, 16, 1_024, 2, 2)]    // no more partitions than racks
    [InlineData(1, 0, 512, 16, 1)]      // at least one
    [InlineData(3, 2, 128, 8, 3)]       // several members: one on each, whatever the fabric
    public void Auto_must_split_one_process_by_cores_racks_and_hosts(int members, int cores, int hosts, int racks, int expected) =>
        Assert.Equal(expected, Auto.PartitionsFor(members, cores, hosts, racks));

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void A_number_set_must_be_the_partitions_whatever_the_machine(int members) =>
        Assert.Equal(3, new KernelSettings(3, 1).PartitionsFor(members, 16, 10_240, 160));
}
