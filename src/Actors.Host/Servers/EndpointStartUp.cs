using DcSim.ActorsHost.Virtualization;

namespace DcSim.ActorsHost.Servers;

/// <summary>
/// How an endpoint's start-up ends (a VM's boot, a container's start): plain data, not a closure over the builder, so that a VM that
/// migrates carries its own start-up (re-bound to its new server's <see cref="StartupContention"/>, the only part it shares) and nothing
/// of the partition that built it.
/// </summary>
internal abstract class EndpointStartUp(StartupContention contention, bool free)
{
    /// <summary>The server's starts that contend with this one.</summary>
    protected StartupContention Contention { get; } = contention;

    /// <summary>Given the time the start-up begins, when the endpoint runs (at once on a server whose stack-costs are free).</summary>
    public long RunningAt(long now) => free ? now : Ends(now);

    protected abstract long Ends(long now);
}

/// <summary>A VM's boot on the server's cores (<see cref="StartupContention.VmRunningAt"/>).</summary>
internal sealed class VmBoot(StartupContention contention, bool free, int vcpus, int firstCore, HypervisorProfile profile)
    : EndpointStartUp(contention, free)
{
    protected override long Ends(long now) => Contention.VmRunningAt(now, vcpus, firstCore, profile);
}

/// <summary>A container's start in kernel <paramref name="kernel"/> (<see cref="StartupContention.ContainerRunningAt"/>).</summary>
internal sealed class ContainerStart(StartupContention contention, bool free, int kernel, RuntimeProfile runtime) : EndpointStartUp(contention, free)
{
    protected override long Ends(long now) => Contention.ContainerRunningAt(now, kernel, runtime);
}
