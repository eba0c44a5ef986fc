using DcSim.ActorsNic;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Virtualization;

/// <summary>
/// Reads and writes the SR-IOV keys beyond the NIC model: a VM template's <c>vf { ... }</c> (<see cref="VfOptions"/>) and a
/// server's or group's <c>vf-exhaustion</c> and <c>vf-fallback-vnic</c> (<see cref="VfAllocation"/>).
/// </summary>
internal static class VfOptionsReader
{
    public static readonly ScenarioWordList Exhaustions = new(("error", (int)VfExhaustion.Error), ("vswitch", (int)VfExhaustion.VSwitch));
    public static readonly ScenarioWordList FallbackVnics =
        new(("vhost-net", (int)VnicBackend.VhostNet), ("qemu", (int)VnicBackend.Qemu), ("vhost-user", (int)VnicBackend.VhostUser));

    /// <summary>posted-interrupts: auto (-1, the hypervisor profile's), or a boolean.</summary>
    private static readonly ScenarioWordList Posted = ScenarioWords.Booleans.Prepend("auto", -1);

    private const string Auto = "auto";
    public static readonly string[] Keys = ["vlan", "rate-limit", "spoof-check", "interrupt-coalescing", "posted-interrupts"];

    /// <summary>vf-exhaustion and vf-fallback-vnic of servers or a group; a vhost-user fall-back needs the VMs' OVS netdev datapath.</summary>
    public static bool TryReadPolicy(ScenarioSection s, VmSwitchKind vmSwitch, bool ovsNetdev, out VfExhaustion exhaustion, out VnicBackend fallback)
    {
        var ok = s.TryWord("vf-exhaustion", Exhaustions, out var exhaustionValue);
        exhaustion = (VfExhaustion)exhaustionValue;
        var fallbackOk = s.TryWord("vf-fallback-vnic", FallbackVnics, out var fallbackValue);
        fallback = (VnicBackend)fallbackValue;
        if (!fallbackOk) return false;
        return ok & s.Check(fallback != VnicBackend.VhostUser || (vmSwitch == VmSwitchKind.Ovs && ovsNetdev), "vf-fallback-vnic",
            s.Get("vf-fallback-vnic").FromFile,
            "vhost-user attaches to an OVS netdev (DPDK) datapath: it needs vm-switch = ovs and topology.vswitch.datapath = netdev");
    }

    /// <summary>
    /// A VM template's vf settings. With a vnic other than vf or vf-bond they do not apply: each key the file sets is an error, so
    /// that a VLAN or rate limit meant to isolate a VM is never silently ignored.
    /// </summary>
    public static VfOptions? Read(ScenarioSection vm, VnicBackend vnic)
    {
        var s = vm.Child("vf");
        if (!vnic.HasVf())
        {
            var ok = true;
            foreach (var key in Keys.Where(k => s.Get(k).FromFile))
                ok = s.Check(false, key, true, $"per-VF settings apply to VMs with vnic = vf or vf-bond; this template has vnic = {ScenarioVirtualizationReader.Backends.WordOf((int)vnic)}");
            return ok ? VfOptions.Default : null;
        }
        var vlanOk = s.TryInt("vlan", 0, PacketHeaders.MaxVlan, out var vlan);
        var rateOk = TryRateLimit(s, out var rate);
        var spoofOk = s.TryBoolean("spoof-check", out var spoof);
        var coalescingOk = TryCoalescing(s.Child("interrupt-coalescing"), out var coalescing);
        var postedOk = s.TryWord("posted-interrupts", Posted, out var posted);
        if (!(vlanOk & rateOk & spoofOk & coalescingOk & postedOk)) return null;
        return new VfOptions((ushort)vlan, rate, spoof, coalescing, posted < 0 ? null : posted == 1);
    }

    /// <summary>rate-limit: "" (none) or a rate greater than 0, such as 2Gbps.</summary>
    private static bool TryRateLimit(ScenarioSection s, out long bitsPerSecond)
    {
        bitsPerSecond = 0;
        if (!s.TryText("rate-limit", out var text, out _)) return false;
        if (text.Length == 0) return true;
        if (!s.TryRate("rate-limit", out var rate)) return false;
        bitsPerSecond = rate.BitsPerSecond;
        return true;
    }

    /// <summary>time (0 = an interrupt per frame) and frames (at least 1), each "auto" for the NIC model's.</summary>
    private static bool TryCoalescing(ScenarioSection s, out InterruptCoalescing? coalescing)
    {
        coalescing = null;
        var model = InterruptCoalescing.Default;
        if (!s.TryText("time", out var time, out _) || !s.TryText("frames", out var frames, out _)) return false;
        var timePs = model.TimePs;
        var count = model.Frames;
        var ok = time == Auto || s.TryTime("time", 0, out timePs);
        ok &= frames == Auto || s.TryInt("frames", 1, 1 << 16, out count);
        if (ok && (time != Auto || frames != Auto)) coalescing = new InterruptCoalescing(timePs, count);
        return ok;
    }

    /// <summary>vms[i].vf in the resolved scenario (templates with vnic = vf only: elsewhere the keys are refused).</summary>
    public static ResolvedHocon Write(VfOptions o) => new()
    {
        ["vlan"] = ScenarioHoconWriter.Int(o.PortVlan),
        ["rate-limit"] = o.TxRateBps == 0 ? "\"\"" : new SimCore.Units.DataRate(o.TxRateBps).ToString(),
        ["spoof-check"] = o.SpoofCheck ? "true" : "false",
        ["interrupt-coalescing"] = new ResolvedHocon
        {
            ["time"] = o.Coalescing is { } c ? ScenarioHoconWriter.Time(c.TimePs) : Auto,
            ["frames"] = o.Coalescing is { } f ? ScenarioHoconWriter.Int(f.Frames) : Auto,
        },
        ["posted-interrupts"] = o.PostedInterrupts is { } p ? (p ? "true" : "false") : Auto,
    };

    /// <summary>A profile's policy keys in the resolved scenario.</summary>
    public static void WritePolicy(ServerProfile p, ResolvedHocon profile)
    {
        profile["vf-exhaustion"] = Exhaustions.WordOf((int)p.VfExhaustion);
        profile["vf-fallback-vnic"] = FallbackVnics.WordOf((int)p.VfFallbackVnic);
    }
}
