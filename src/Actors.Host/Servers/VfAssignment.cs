using DcSim.SimCore.Components;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Servers;

/// <summary>
/// What an SR-IOV server gave the VMs asking for a VF (<c>PATH</c> = <c>host3/vf-assignment</c>): counters <c>vf_vms</c> and
/// <c>fallback_vms</c>, and one per VM by name, its VF number, or -1 when it fell back to a vNIC on the vm-switch
/// (servers.vf-exhaustion = vswitch). Carries no traffic.
/// </summary>
public sealed class VfAssignment(string path, IReadOnlyList<(string Vm, int Vf)> vms) : Component(path)
{
    public override string Kind => ComponentKind;

    public const string ComponentKind = "vf-assignment";

    public override void Receive(int port, in Packet packet) =>
        throw new InvalidOperationException($"{Path} has no ports: it only reports which VMs have a VF");

    public override void WriteCounters(ComponentCounters counters, long now)
    {
        counters["vf_vms"] = vms.Count(v => v.Vf >= 0);
        counters["fallback_vms"] = vms.Count(v => v.Vf < 0);
        foreach (var (vm, vf) in vms) counters[vm] = vf;
    }
}
