using System.Globalization;
using DcSim.ActorsHost.Migration;
using DcSim.ActorsHost.Settings;
using DcSim.ActorsHost.Sriov;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Wire;
using W = DcSim.ActorsHost.Virtualization.ScenarioVirtualizationReader;

namespace DcSim.ActorsHost.Virtualization;

/// <summary>Writes servers, vms, containers and costs into the resolved scenario: the inverse of <see cref="ScenarioVirtualizationReader"/>.</summary>
internal static class VirtualizationResolved
{
    public static void Write(VirtualizationSettings v, ResolvedHocon root, int hostCount)
    {
        var servers = Profile(v.DefaultProfile);
        servers["stack-costs"] = W.StackCostWords.WordOf(v.FreeStacks ? 1 : 0);
        servers["groups"] = v.Groups.Select(g =>
        {
            var group = Profile(g.Profile);
            group["hosts"] = HostListReader.Format(g.Hosts, hostCount);
            return group;
        }).ToList();
        root["servers"] = servers;
        root["vms"] = v.Vms.Select(t => WithDirtying(t, WithVf(t, new ResolvedHocon
        {
            ["name"] = ScenarioHoconWriter.Quote(t.Name),
            ["count"] = ScenarioHoconWriter.Int(t.Count),
            ["hosts"] = HostListReader.Format(t.Hosts, hostCount),
            ["placement"] = W.Placements.WordOf((int)t.Placement),
            ["vcpus"] = ScenarioHoconWriter.Int(t.Vcpus),
            ["memory"] = ScenarioHoconWriter.Size(t.MemoryBytes),
            ["pinning"] = W.Pinnings.WordOf((int)t.Pinning),
            ["vnic"] = W.Backends.WordOf((int)t.Vnic),
            ["start"] = ScenarioHoconWriter.Time(t.StartPs),
            ["stop"] = Stop(t.StopPs),
            ["cpu-load"] = Number(t.CpuLoad),
            ["cpu-slice"] = ScenarioHoconWriter.Time(t.CpuSlicePs),
            ["subnet"] = ScenarioHoconWriter.Quote(t.Subnet?.ToString() ?? ""),
        }.WithBond(t.Bond)))).ToList();
        root["containers"] = v.Containers.Select(t => new ResolvedHocon
        {
            ["name"] = ScenarioHoconWriter.Quote(t.Name),
            ["count"] = ScenarioHoconWriter.Int(t.Count),
            ["runtime"] = W.Runtimes.WordOf((int)t.Runtime),
            ["network"] = W.Networks.WordOf((int)t.Network),
            ["hosts"] = HostListReader.Format(t.Hosts, hostCount),
            ["vms"] = "[" + string.Join(", ", t.InVms.Select(ScenarioHoconWriter.Quote)) + "]",
            ["placement"] = W.Placements.WordOf((int)t.Placement),
            ["publish"] = "[" + string.Join(", ", t.Publish.Select(p => ScenarioHoconWriter.Quote(
                $"{p.HostPort}:{p.ContainerPort}/{(p.Protocol == PacketHeaders.Tcp ? "tcp" : "udp")}"))) + "]",
            ["start"] = ScenarioHoconWriter.Time(t.StartPs),
            ["stop"] = Stop(t.StopPs),
            ["subnet"] = ScenarioHoconWriter.Quote(t.Subnet?.ToString() ?? ""),
        }).ToList();
        var costs = Costs(v.Costs);
        // The VF driver's costs matter only with an SR-IOV NIC; left out otherwise, as nic is (their defaults apply).
        if (v.Profiles.Any(p => p.Sriov is not null))
            costs["vf"] = new ResolvedHocon { ["driver-rx"] = Step(v.Costs.Vf.DriverRx), ["driver-tx"] = Step(v.Costs.Vf.DriverTx) };
        root["costs"] = costs;
    }

    /// <summary>
    /// A profile; its nic only when it is an SR-IOV part (plain is the default of servers and of groups), and its VF
    /// policy with an SR-IOV part or when not the default, so that the resolved scenarios of runs without SR-IOV read as
    /// they did before it.
    /// </summary>
    private static ResolvedHocon Profile(ServerProfile p)
    {
        var profile = PlainProfile(p);
        if (p.Sriov is { } model) profile["nic"] = model.Name;
        if (p.FreeStacks) profile["stack-costs"] = W.StackCostWords.WordOf(1);
        if (p.Sriov is not null || p.VfExhaustion != VfExhaustion.Error || p.VfFallbackVnic != VnicBackend.VhostNet)
            VfOptionsReader.WritePolicy(p, profile);
        return profile;
    }

    /// <summary>A VM template's vf settings, written only where they apply (vnic = vf): elsewhere the reader refuses them.</summary>
    private static ResolvedHocon WithVf(VmTemplate t, ResolvedHocon vm)
    {
        if (t.Vnic.HasVf()) vm["vf"] = VfOptionsReader.Write(t.VfSetup);
        return vm;
    }

    /// <summary>
    /// A VM template's dirtying (live migration), written only when not the default (all memory, no writes), so that the resolved
    /// scenarios of runs without migrations read as they did before it.
    /// </summary>
    private static ResolvedHocon WithDirtying(VmTemplate t, ResolvedHocon vm)
    {
        if (t.WritableWorkingSetBytes != t.MemoryBytes) vm["writable-working-set"] = ScenarioHoconWriter.Size(t.WritableWorkingSetBytes);
        if (t.DirtyBytesPerSecond != 0) vm["dirty-rate"] = ByteRate.Format(t.DirtyBytesPerSecond);
        return vm;
    }

    private static ResolvedHocon PlainProfile(ServerProfile p) => new()
    {
        ["hypervisor"] = W.Hypervisors.WordOf((int)p.Hypervisor),
        ["vm-switch"] = W.VmSwitches.WordOf((int)p.VmSwitch),
        ["memory"] = ScenarioHoconWriter.Size(p.MemoryBytes),
        ["vcpu-overcommit"] = ScenarioHoconWriter.Int(p.VcpuOvercommit),
    };

    private static ResolvedHocon Costs(CostSettings c) => new()
    {
        ["stack"] = new ResolvedHocon { ["send"] = Step(c.Stack.Send), ["receive"] = Step(c.Stack.Receive), ["app"] = Step(c.Stack.App) },
        ["nic"] = new ResolvedHocon { ["tx-latency"] = ScenarioHoconWriter.Time(c.NicTxLatencyPs), ["rx-latency"] = ScenarioHoconWriter.Time(c.NicRxLatencyPs) },
        ["host-path"] = new ResolvedHocon
        {
            ["nic-receive"] = Step(c.HostPath.NicReceive),
            ["nic-transmit"] = Step(c.HostPath.NicTransmit),
            ["ip-forward"] = Step(c.HostPath.IpForward),
            ["bridge-forward"] = Step(c.HostPath.BridgeForward),
        },
        ["hypervisor"] = new ResolvedHocon { ["kvm"] = Hypervisor(c.Kvm), ["xen"] = Hypervisor(c.Xen), ["esxi"] = Hypervisor(c.Esxi) },
        ["vnic"] = new ResolvedHocon { ["vhost-net"] = Vnic(c.VhostNet), ["qemu"] = Vnic(c.Qemu), ["vhost-user"] = Vnic(c.VhostUser) },
        ["container"] = new ResolvedHocon
        {
            ["veth"] = Step(c.Container.Veth),
            ["macvlan"] = Step(c.Container.Macvlan),
            ["nat"] = Step(c.Container.Nat),
            ["conntrack-lookup"] = Step(c.Container.ConntrackLookup),
            ["conntrack-new"] = Step(c.Container.ConntrackNew),
        },
        ["runtime"] = new ResolvedHocon { ["docker"] = Runtime(c.Docker), ["lxc"] = Runtime(c.Lxc) },
    };

    private static ResolvedHocon Hypervisor(HypervisorProfile h) => new()
    {
        ["kick"] = ScenarioHoconWriter.Int(h.KickCycles),
        ["exit-to-user"] = ScenarioHoconWriter.Int(h.ExitToUserCycles),
        ["vcpu-wake"] = ScenarioHoconWriter.Int(h.VcpuWakeCycles),
        ["injection"] = ScenarioHoconWriter.Int(h.InjectionCycles),
        ["eoi-exit"] = ScenarioHoconWriter.Int(h.EoiExitCycles),
        ["timer-exit"] = ScenarioHoconWriter.Int(h.TimerExitCycles),
        ["posted-interrupts"] = h.PostedInterrupts ? "true" : "false",
        ["posted-injection"] = ScenarioHoconWriter.Int(h.PostedInjectionCycles),
        ["boot-cycles"] = ScenarioHoconWriter.Int(h.BootCycles),
        ["boot-delay"] = ScenarioHoconWriter.Time(h.BootDelayPs),
    };

    private static ResolvedHocon Vnic(VnicCosts v) => new()
    {
        ["to-guest"] = Step(v.ToGuestKernel),
        ["to-guest-user"] = Step(v.ToGuestUser),
        ["from-guest"] = Step(v.FromGuestKernel),
        ["from-guest-user"] = Step(v.FromGuestUser),
    };

    private static ResolvedHocon Runtime(RuntimeProfile r) => new()
    {
        ["netns-setup"] = ScenarioHoconWriter.Time(r.NetnsSetupPs),
        ["start-delay"] = ScenarioHoconWriter.Time(r.StartDelayPs),
    };

    private static ResolvedHocon Step(StepCost s) => new() { ["cycles"] = ScenarioHoconWriter.Int(s.CyclesPerPacket), ["per-byte"] = Number(s.CyclesPerByte) };

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Stop(long ps) => ps == long.MaxValue ? "\"\"" : ScenarioHoconWriter.Time(ps);
}
