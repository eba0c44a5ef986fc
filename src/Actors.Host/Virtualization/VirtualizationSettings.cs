using DcSim.ActorsHost.Migration;
using DcSim.ActorsHost.Sriov;
using DcSim.ActorsNic;

namespace DcSim.ActorsHost.Virtualization;

/// <summary>
/// What one server offers and runs: its hypervisor, the switch its VMs attach to, memory and over-commit, and its NIC:
/// an SR-IOV part (<see cref="Sriov"/>) or, null, a plain NIC; with an SR-IOV part, what becomes of VMs asking for a VF
/// when its VFs run out (<see cref="VfAllocation"/>).
/// </summary>
public sealed record ServerProfile(HypervisorKind Hypervisor, VmSwitchKind VmSwitch, long MemoryBytes, int VcpuOvercommit, SriovNicModel? Sriov = null,
    bool FreeStacks = false, VfExhaustion VfExhaustion = VfExhaustion.Error, VnicBackend VfFallbackVnic = VnicBackend.VhostNet);

/// <summary>An IPv4 subnet a template's addresses come from: the i-th VM or container gets the (i+1)-th address.</summary>
public readonly record struct Ipv4Subnet(uint Base, int PrefixLength)
{
    /// <summary>Addresses usable for endpoints: the network and broadcast addresses excluded.</summary>
    public long Usable => (1L << (32 - PrefixLength)) - 2;

    public uint Address(int ordinal) => Base + 1 + (uint)ordinal;

    public override string ToString() => $"{Base >> 24}.{(Base >> 16) & 0xFF}.{(Base >> 8) & 0xFF}.{Base & 0xFF}/{PrefixLength}";
}

/// <summary>A port published by a bridge-networked container (docker run -p HOST:CONTAINER[/udp]).</summary>
public sealed record PublishedPort(ushort HostPort, ushort ContainerPort, byte Protocol);

/// <summary>
/// A VM template of the scenario: <see cref="Count"/> VMs named Name-0 .. Name-(Count-1). How its VMs dirty their memory
/// (for live migration, <see cref="DirtyModel"/>): <paramref name="WorkingSetOrNull"/> bytes of hot pages (null: all of
/// <paramref name="MemoryBytes"/>), rewritten at <paramref name="DirtyBytesPerSecond"/>.
/// </summary>
public sealed record VmTemplate(
    int Index,
    string Name,
    int Count,
    IReadOnlyList<int> Hosts,
    Placement Placement,
    int Vcpus,
    long MemoryBytes,
    VcpuPinning Pinning,
    VnicBackend Vnic,
    long StartPs,
    long StopPs,
    double CpuLoad,
    long CpuSlicePs,
    Ipv4Subnet? Subnet = null,
    GuestBondSettings? Bond = null,
    VfOptions? Vf = null,
    long? WorkingSetOrNull = null,
    long DirtyBytesPerSecond = 0)
{
    public bool Equals(VmTemplate? other) =>
        other is not null && (Index, Name, Count, Placement, Vcpus, MemoryBytes, Pinning, Vnic, StartPs, StopPs, CpuLoad, CpuSlicePs, Subnet)
            == (other.Index, other.Name, other.Count, other.Placement, other.Vcpus, other.MemoryBytes, other.Pinning, other.Vnic, other.StartPs,
                other.StopPs, other.CpuLoad, other.CpuSlicePs, other.Subnet)
        && Bond == other.Bond
        && Hosts.SequenceEqual(other.Hosts) && VfSetup == other.VfSetup
        && (WritableWorkingSetBytes, DirtyBytesPerSecond) == (other.WritableWorkingSetBytes, other.DirtyBytesPerSecond);

    /// <summary>The pages a VM keeps rewriting (vms[i].writable-working-set): all of its memory unless the scenario says less.</summary>
    public long WritableWorkingSetBytes => WorkingSetOrNull ?? MemoryBytes;

    /// <summary>How each VM of the template dirties its memory while it runs, for a live migration's pre-copy rounds.</summary>
    public DirtyPageModel DirtyModel => new(MemoryBytes, WritableWorkingSetBytes, DirtyBytesPerSecond);

    /// <summary>The VF's settings (vms[i].vf), which apply to VMs with <c>vnic = vf</c> or <c>vf-bond</c>.</summary>
    public VfOptions VfSetup => Vf ?? VfOptions.Default;

    public override int GetHashCode() => HashCode.Combine(Index, Name, Count);
}

/// <summary>A container template: on servers (<see cref="Hosts"/>) or inside VMs (<see cref="InVms"/>, VM names).</summary>
public sealed record ContainerTemplate(
    int Index,
    string Name,
    int Count,
    ContainerRuntime Runtime,
    ContainerNetwork Network,
    IReadOnlyList<int> Hosts,
    IReadOnlyList<string> InVms,
    Placement Placement,
    IReadOnlyList<PublishedPort> Publish,
    long StartPs,
    long StopPs,
    Ipv4Subnet? Subnet = null)
{
    public bool Equals(ContainerTemplate? other) =>
        other is not null && (Index, Name, Count, Runtime, Network, Placement, StartPs, StopPs, Subnet)
            == (other.Index, other.Name, other.Count, other.Runtime, other.Network, other.Placement, other.StartPs, other.StopPs, other.Subnet)
        && Hosts.SequenceEqual(other.Hosts) && InVms.SequenceEqual(other.InVms) && Publish.SequenceEqual(other.Publish);

    public override int GetHashCode() => HashCode.Combine(Index, Name, Count);
}

/// <summary>Every cost and latency of the data path, by stack, hypervisor, backend and runtime.</summary>
public sealed record CostSettings(
    StackCosts Stack,
    long NicTxLatencyPs,
    long NicRxLatencyPs,
    HostPathCosts HostPath,
    HypervisorProfile Kvm,
    HypervisorProfile Xen,
    HypervisorProfile Esxi,
    VnicCosts VhostNet,
    VnicCosts Qemu,
    VnicCosts VhostUser,
    ContainerNetworkCosts Container,
    RuntimeProfile Docker,
    RuntimeProfile Lxc,
    VfCosts Vf)
{
    public HypervisorProfile Hypervisor(HypervisorKind kind) => kind switch
    {
        HypervisorKind.Kvm => Kvm,
        HypervisorKind.Xen => Xen,
        HypervisorKind.Esxi => Esxi,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "bare metal has no hypervisor profile"),
    };

    public VnicCosts Vnic(VnicBackend backend) => backend switch
    {
        VnicBackend.VhostNet => VhostNet,
        VnicBackend.Qemu => Qemu,
        VnicBackend.VhostUser => VhostUser,
        _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, "a VF is no virtio backend: its costs are Vf"),
    };

    public RuntimeProfile Runtime(ContainerRuntime runtime) => runtime == ContainerRuntime.Docker ? Docker : Lxc;
}

/// <summary>Servers that differ from servers' own settings (servers.groups).</summary>
public sealed record ServerGroup(IReadOnlyList<int> Hosts, ServerProfile Profile)
{
    public bool Equals(ServerGroup? other) => other is not null && Profile == other.Profile && Hosts.SequenceEqual(other.Hosts);
    public override int GetHashCode() => HashCode.Combine(Profile, Hosts.Count);
}

/// <summary>
/// The scenario's servers, VMs and containers (sections servers, vms, containers, costs). <see cref="Profiles"/>[h]
/// is server h's profile: its group's, or <see cref="DefaultProfile"/>.
/// </summary>
public sealed record VirtualizationSettings(
    ServerProfile DefaultProfile,
    IReadOnlyList<ServerGroup> Groups,
    IReadOnlyList<ServerProfile> Profiles,
    bool FreeStacks,
    IReadOnlyList<VmTemplate> Vms,
    IReadOnlyList<ContainerTemplate> Containers,
    CostSettings Costs)
{
    public bool Equals(VirtualizationSettings? other) =>
        other is not null && FreeStacks == other.FreeStacks && Costs == other.Costs && DefaultProfile == other.DefaultProfile
        && Groups.SequenceEqual(other.Groups)
        && Vms.SequenceEqual(other.Vms) && Containers.SequenceEqual(other.Containers);

    public override int GetHashCode() => HashCode.Combine(FreeStacks, Groups.Count, Vms.Count, Containers.Count);
}
