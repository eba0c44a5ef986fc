using System.CommandLine;
using System.Globalization;
using DcSim.ActorsNetwork.OpenFlow;
using DcSim.SimCore.IO;

namespace DcSim.Runner.Commands;

/// <summary>
/// `dcsim ovs-trace --rules FILE [--packets FILE | PACKET] [--json]`: classifies packets through an
/// OpenFlow rule set the way `ovs-appctl ofproto/trace` does and prints, per packet, the rules matched
/// per table, the megaflow and the datapath actions in OVS's own syntax.
/// </summary>
internal static class OvsTraceCommand
{
    public static Command Create()
    {
        var rules = new Option<FileInfo>("--rules") { Description = "Rules in `ovs-ofctl add-flows` syntax", Required = true };
        var packets = new Option<FileInfo?>("--packets") { Description = "Packets in OVS flow syntax, one per line (# comments)" };
        var packet = new Argument<string?>("packet") { Description = "One packet in OVS flow syntax, e.g. in_port=1,tcp,nw_dst=10.0.0.1,tp_dst=80", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "One JSON object per packet per line" };
        var ports = new Option<string?>("--bridge-ports") { Description = "OpenFlow ports of the bridge, e.g. 1,2,3 (default: every port named in the rules and packets)" };
        var dpPorts = new Option<string?>("--dp-ports") { Description = "Datapath numbers of OpenFlow ports, OF=DP pairs, e.g. 1=2,2=3 (default: the same number)" };
        var local = new Option<string>("--local-port") { Description = "Datapath number of the bridge's internal (LOCAL) port, flooded like the others, or 'none'", DefaultValueFactory = _ => "100" };
        var protocol = new Option<string>("--protocol") { Description = "OpenFlow10 | OpenFlow13 | auto (1.3 if a rule needs push_vlan or write_metadata)", DefaultValueFactory = _ => "auto" };
        var learn = new Option<bool>("--learn") { Description = "Learn MACs from each packet that reaches `normal`, in order, as real frames would (ofproto/trace does not)" };
        var bridge = new Option<string>("--bridge") { Description = "Bridge name shown in the report", DefaultValueFactory = _ => "br0" };
        var replay = new Option<bool>("--replay") { Description = "Run the packets, in order, through the datapath's flow caches (MACs are learned) and print the caches and their hit counts" };
        var datapath = new Option<string>("--datapath") { Description = "With --replay: netdev | kernel", DefaultValueFactory = _ => "netdev" };
        var emc = new Option<int>("--emc-insert-inv-prob") { Description = "With --replay: exact-match cache insertion 1 in N (1 = always, reproducible; OVS's default is 100; 0 = off)", DefaultValueFactory = _ => 1 };
        var command = new Command("ovs-trace", "Trace packets through OpenFlow rules as `ovs-appctl ofproto/trace` does")
        {
            rules, packets, packet, json, ports, dpPorts, local, protocol, learn, bridge, replay, datapath, emc,
        };
        command.SetAction(parse => Execute(new Request(parse.GetValue(rules)!, parse.GetValue(packets), parse.GetValue(packet), parse.GetValue(json),
            parse.GetValue(ports), parse.GetValue(dpPorts), parse.GetValue(local)!, parse.GetValue(protocol)!, parse.GetValue(learn), parse.GetValue(bridge)!,
            parse.GetValue(replay) ? new OvsReplay.Settings(parse.GetValue(datapath)!, parse.GetValue(emc)) : null)));
        return command;
    }

    private sealed record Request(FileInfo Rules, FileInfo? Packets, string? Packet, bool Json, string? Ports, string? DpPorts,
        string LocalPort, string Protocol, bool Learn, string Bridge, OvsReplay.Settings? Replay);

    internal sealed record InputPacket(string Text, string Where, FlowKey Key);

    private static int Execute(Request r)
    {
        var errors = new List<string>();
        OpenFlowVersion? version = r.Protocol.ToLowerInvariant() switch
        {
            "auto" => null,
            "openflow10" or "of10" => OpenFlowVersion.OpenFlow10,
            "openflow13" or "of13" => OpenFlowVersion.OpenFlow13,
            _ => Bad(errors, $"--protocol expects OpenFlow10, OpenFlow13 or auto, got '{r.Protocol}'"),
        };
        if ((r.Packets is null) == (r.Packet is null)) errors.Add("give either --packets FILE or one PACKET");
        if (r.Replay is { } rs && !OvsReplay.IsValid(rs, out var replayError)) errors.Add(replayError);
        uint? localDp = null;
        if (!r.LocalPort.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            if (uint.TryParse(r.LocalPort, NumberStyles.None, CultureInfo.InvariantCulture, out var l)) localDp = l;
            else errors.Add($"--local-port expects a datapath port number or 'none', got '{r.LocalPort}'");
        }
        var explicitPorts = ParsePortList(r.Ports, "--bridge-ports", errors);
        var dpMap = ParseDpMap(r.DpPorts, errors);
        if (errors.Count > 0) return Fail(errors);

        RuleFile ruleFile;
        try
        {
            ruleFile = RuleFileParser.ParseFile(r.Rules.FullName, version);
        }
        catch (RuleParseException ex)
        {
            return Fail(ex.Errors);
        }
        foreach (var w in ruleFile.Warnings) Console.Error.WriteLine($"warning: {w}");

        var inputs = ReadPackets(r, errors);
        if (errors.Count > 0) return Fail(errors);

        var tables = new FlowTables();
        foreach (var rule in ruleFile.Rules) tables.Add(rule);
        var portSet = explicitPorts ?? DefaultPorts(ruleFile.Rules, inputs);
        var pipeline = new Pipeline(tables, new BridgePorts(portSet, localDp, dpMap), new MacLearningTable(), r.Bridge);
        if (r.Replay is { } replaySettings) return OvsReplay.Run(replaySettings, pipeline, inputs, r.Json);
        var options = new TranslateOptions(Learn: r.Learn);
        var stdout = Console.Out;
        for (var i = 0; i < inputs.Count; i++)
        {
            var result = pipeline.Translate(inputs[i].Key, options);
            if (r.Json) stdout.WriteLine(result.ToJsonLine(inputs[i].Text));
            else
            {
                if (i > 0) stdout.WriteLine();
                stdout.Write(result.ToHumanText());
            }
        }
        return ExitCodes.Ok;
    }

    private static List<InputPacket> ReadPackets(Request r, List<string> errors)
    {
        var list = new List<InputPacket>();
        if (r.Packet is not null)
        {
            Add(r.Packet, "packet");
            return list;
        }
        List<string> lines;
        try
        {
            lines = InputFile.ReadLines(r.Packets!.FullName, RuleFileParser.MaxFileBytes, "packets file", r.Packets.Name);
        }
        catch (InputFileException ex)
        {
            errors.Add(ex.Message);
            return list;
        }
        for (var i = 0; i < lines.Count; i++)
        {
            var hash = lines[i].IndexOf('#');
            var text = (hash < 0 ? lines[i] : lines[i][..hash]).Trim();
            if (text.Length > 0) Add(text, $"{r.Packets!.Name}:{(i + 1).ToString(CultureInfo.InvariantCulture)}");
        }
        return list;

        void Add(string text, string where)
        {
            try
            {
                list.Add(new InputPacket(text, where, FlowParser.ParsePacket(text)));
            }
            catch (FlowSyntaxException ex)
            {
                errors.Add($"{where}: token '{ex.Token}': {ex.Message}");
            }
        }
    }

    /// <summary>Every OpenFlow port a rule or a packet names: in_port matches, outputs, resubmits.</summary>
    private static SortedSet<uint> DefaultPorts(IEnumerable<OpenFlowRule> rules, IEnumerable<InputPacket> packets)
    {
        var set = new SortedSet<uint>();
        void Add(uint p) { if (p is > 0 and < OfPort.InPort) set.Add(p); }
        foreach (var rule in rules)
        {
            if (rule.Match.Mask.Get(FlowField.InPort) != 0) Add((uint)rule.Match.Key.Get(FlowField.InPort));
            foreach (var a in rule.Actions)
            {
                if (a is OutputAction o) Add(o.Port);
                else if (a is ResubmitAction { Port: { } rp }) Add(rp);
            }
        }
        foreach (var p in packets) Add((uint)p.Key.Get(FlowField.InPort));
        return set;
    }

    private static SortedSet<uint>? ParsePortList(string? text, string option, List<string> errors)
    {
        if (text is null) return null;
        var set = new SortedSet<uint>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (OfPort.TryParse(item, out var p) && p is > 0 and < OfPort.InPort) set.Add(p);
            else errors.Add($"{option}: bad port '{item}'");
        }
        return set;
    }

    private static Dictionary<uint, uint>? ParseDpMap(string? text, List<string> errors)
    {
        if (text is null) return null;
        var map = new Dictionary<uint, uint>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = item.IndexOf('=');
            if (eq > 0 && OfPort.TryParse(item[..eq], out var of) && uint.TryParse(item[(eq + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var dp)) map[of] = dp;
            else errors.Add($"--dp-ports: bad pair '{item}' (expected OF=DP)");
        }
        return map;
    }

    private static OpenFlowVersion? Bad(List<string> errors, string message)
    {
        errors.Add(message);
        return null;
    }

    private static int Fail(IEnumerable<string> errors)
    {
        foreach (var e in errors) Console.Error.WriteLine($"dcsim: {e}");
        return ExitCodes.BadInput;
    }
}
