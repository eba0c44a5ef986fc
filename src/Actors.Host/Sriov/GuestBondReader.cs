using DcSim.ActorsHost.Virtualization;
using DcSim.SimCore.Scenario;

namespace DcSim.ActorsHost.Sriov;

/// <summary>Reads and writes a VM template's bond section (used with vnic = vf-bond only).</summary>
internal static class GuestBondReader
{
    public const string Key = "bond";

    /// <summary>The paravirtual slave's backends: vhost-user would need the OVS vm-switch, whose MAC move at failover is not built.</summary>
    public static readonly ScenarioWordList Backups = new(("vhost-net", (int)VnicBackend.VhostNet), ("qemu", (int)VnicBackend.Qemu));

    /// <summary>
    /// The bond settings of a vnic = vf-bond VM template placed on <paramref name="hosts"/> (null when invalid: already
    /// reported), or null after reporting.
    /// </summary>
    public static GuestBondSettings? Read(ScenarioSection vm, IReadOnlyList<int>? hosts, IReadOnlyList<ServerProfile>? profiles)
    {
        var ovs = hosts?.FirstOrDefault(h => profiles?[h].VmSwitch == VmSwitchKind.Ovs, -1) ?? -1;
        var ok = vm.Check(ovs < 0, "vnic", vm.Get("vnic").FromFile,
            $"vnic = vf-bond needs vm-switch = linux-bridge on the VM's servers (host {ovs} has ovs: moving the VM's MAC in "
            + "the vSwitch's learning table and caches at failover is not built)");
        var s = vm.Child(Key);
        ok &= s.TryWord("backup", Backups, out var backupValue);
        var backup = (VnicBackend)backupValue;
        ok &= s.TryTime("miimon", 0, out var miimon);
        ok &= s.TryTime("updelay", 0, out var updelay);
        ok &= s.TryTime("vf-ready", 0, out var ready);
        return ok ? new GuestBondSettings(backup, miimon, updelay, ready) : null;
    }

    /// <summary>A template whose vnic is not vf-bond has no bond: setting one is reported (it would do nothing).</summary>
    public static bool CheckUnused(ScenarioSection vm) =>
        vm.Check(!vm.Get(Key).FromFile, Key, true, "bond applies to vnic = vf-bond only: this template's vnic is "
            + (vm.TryText("vnic", out var vnic) ? vnic : "not set"));

    /// <summary>Adds the bond section to a resolved VM template that has one (vf-bond): others keep their keys as they were.</summary>
    public static ResolvedHocon WithBond(this ResolvedHocon vm, GuestBondSettings? bond)
    {
        if (bond is not null) vm[Key] = Resolved(bond);
        return vm;
    }

    private static ResolvedHocon Resolved(GuestBondSettings b) => new()
    {
        ["backup"] = Backups.WordOf((int)b.Backup),
        ["miimon"] = ScenarioHoconWriter.Time(b.MiimonPs),
        ["updelay"] = ScenarioHoconWriter.Time(b.UpdelayPs),
        ["vf-ready"] = ScenarioHoconWriter.Time(b.VfReadyPs),
    };
}
