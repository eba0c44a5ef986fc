using DcSim.SimCore.Units;

namespace DcSim.SimCore.Scenario;

/// <summary>
/// Reads and checks topology.host-cpu and topology.vswitch: every server's cores and clock, and the Open
/// vSwitch it runs between its traffic and its NIC. The rules file is only looked for, not parsed; the rule
/// changes are read by <see cref="ScenarioRuleChangeReader"/>.
/// </summary>
internal static class ScenarioHostReader
{
    /// <summary>The smallest other_config:max-idle OVS accepts (ofproto.h, vswitch.xml; calibration.md §2.1).</summary>
    public const long MinMaxIdlePs = 500 * SimTime.Millisecond;

    /// <summary>Cores a vSwitch leaves to the revalidator and the host itself.</summary>
    public const int ReservedCores = 1;

    /// <param name="durationPs">The scenario duration, null when it is invalid (already reported); rule changes must come before it.</param>
    public static HostSettings? Read(ScenarioDiagnostics diagnostics, ScenarioSection topology, string baseDirectory, long? durationPs)
    {
        var cpu = topology.Child("host-cpu");
        var coresOk = cpu.TryInt("cores", 1, int.MaxValue, out var cores);
        var clockOk = cpu.TryFrequency("clock", out var clock);
        var vswitch = ReadVSwitch(diagnostics, topology.Child("vswitch"), baseDirectory, cpu, coresOk ? cores : null, durationPs);
        return coresOk && clockOk && vswitch is not null ? new HostSettings(cores, clock, vswitch) : null;
    }

    private static VSwitchOptions? ReadVSwitch(ScenarioDiagnostics diagnostics, ScenarioSection v, string baseDirectory, ScenarioSection cpu, int? cores,
        long? durationPs)
    {
        var enabledOk = v.TryWord("enabled", ScenarioWords.Booleans, out var enabled);
        var ok = enabledOk;
        ok &= v.TryWord("datapath", ScenarioWords.VSwitchDatapaths, out var datapath);
        ok &= TryRules(v, baseDirectory, out var rules);
        var datapathOk = v.TryInt("datapath-cores", 1, int.MaxValue, out var datapathCores);
        var handlerOk = v.TryInt("handler-cores", 1, int.MaxValue, out var handlerCores);
        ok &= datapathOk && handlerOk;
        if (enabledOk && enabled && datapathOk && handlerOk && cores is { } n)
            ok &= CheckCoreBudget(v, cpu, n, datapathCores, handlerCores);
        ok &= v.TryInt("flow-limit", 1, int.MaxValue, out var flowLimit);
        ok &= v.TryInt("emc-insert-inv-prob", 0, int.MaxValue, out var emcInverse);
        ok &= v.TryInt("upcall-queue", 1, int.MaxValue, out var upcallQueue);
        if (v.TryTime("max-idle", 0, out var maxIdle))
            ok &= v.Check(maxIdle >= MinMaxIdlePs, "max-idle", v.Get("max-idle").FromFile,
                $"must be at least {ScenarioHoconWriter.Time(MinMaxIdlePs)} (the smallest max-idle OVS accepts), got '{ScenarioHoconWriter.Time(maxIdle)}'");
        else ok = false;
        ok &= v.TryTime("revalidate-period", 1, out var revalidatePeriod);
        var ruleChanges = ScenarioRuleChangeReader.Read(diagnostics, v, durationPs);
        if (!ok || ruleChanges is null) return null;
        var options = new VSwitchOptions(enabled, datapath, rules, datapathCores, handlerCores, flowLimit, emcInverse, upcallQueue, maxIdle, revalidatePeriod);
        // Records compare lists by reference: without changes keep the default list, so equal settings stay equal.
        return ruleChanges.Count == 0 ? options : options with { RuleChanges = ruleChanges };
    }

    /// <summary>
    /// With the vSwitch enabled, its fast path and its handlers run on cores of their own, and one core stays
    /// for the revalidator and the host. Reported at the key the file set: a vSwitch core count, else the
    /// number of cores, else enabled.
    /// </summary>
    private static bool CheckCoreBudget(ScenarioSection v, ScenarioSection cpu, int cores, int datapathCores, int handlerCores)
    {
        var used = (long)datapathCores + handlerCores;
        var available = (long)cores - ReservedCores;
        if (used <= available) return true;
        var message = $"datapath-cores ({datapathCores}) + handler-cores ({handlerCores}) = {used}, but with the vswitch enabled "
            + $"at most host-cpu.cores - {ReservedCores} = {available} may be used (one core stays for the revalidator and the host)";
        if (v.Get("handler-cores").FromFile) v.Report("handler-cores", true, message);
        else if (v.Get("datapath-cores").FromFile) v.Report("datapath-cores", true, message);
        else if (cpu.Get("cores").FromFile) cpu.Report("cores", true, message);
        else if (v.Get("enabled").FromFile) v.Report("enabled", true, message);
        else v.Report("handler-cores", false, message);
        return false;
    }

    /// <summary>An optional ovs-ofctl add-flows file ("" for the default forwarding), relative to the scenario's directory; kept as written.</summary>
    private static bool TryRules(ScenarioSection v, string baseDirectory, out string rules)
    {
        if (!v.TryText("rules", out rules, out var fromFile)) return false;
        if (rules.Length == 0) return true;
        string full;
        try { full = Path.GetFullPath(Path.Combine(baseDirectory, rules)); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            v.Report("rules", fromFile, $"'{rules}' is not a valid file path: {e.Message}");
            return false;
        }
        return v.Check(File.Exists(full), "rules", fromFile,
            $"rules file '{rules}' not found (looked for {full}; paths are relative to the scenario file's directory)");
    }
}
