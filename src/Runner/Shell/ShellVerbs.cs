using DcSim.SimCore.Units;

namespace DcSim.Runner.Shell;

/// <summary>A verb of the shell: how it is written, what it does, and how many words may follow it.</summary>
internal sealed record ShellVerb(string Name, string Usage, string Help, int MinArgs, int MaxArgs);

/// <summary>A line the shell understood: its verb and the words after it.</summary>
internal sealed record ShellLine(ShellVerb Verb, IReadOnlyList<string> Args)
{
    public override string ToString() => string.Join(' ', [Verb.Name, .. Args]);
}

/// <summary>The shell's verbs (Mininet's, where Mininet has one) and the parser of a typed line.</summary>
internal static class ShellVerbs
{
    public static readonly IReadOnlyList<ShellVerb> All =
    [
        new("nodes", "nodes", "list the switches (by tier) and the servers", 0, 0),
        new("links", "links", "list the links with rate, delay and queue, and the packets each way so far", 0, 0),
        new("dump", "dump ENTITY", "show the counters of an entity and every component under it (host0, host3/kvm-0, host0/vswitch)", 1, 1),
        new("ping", "ping SRC DST [count N] [interval DURATION]", "ping DST from SRC (servers or VMs and containers) and print the RTTs", 2, 6),
        new("pingall", "pingall", "ping every server from every other, once, and print the reachability matrix", 0, 0),
        new("iperf", "iperf SRC DST [DURATION]", "run a TCP flow from SRC to DST (default 100ms) and print its throughput", 2, 3),
        new("ovs-ofctl", "ovs-ofctl dump-flows SERVER", "the server's vSwitch: its OpenFlow rules with their counters, as OVS prints them", 2, 2),
        new("ovs-appctl", "ovs-appctl dpctl/dump-flows SERVER", "the server's vSwitch: the flows installed in its datapath (megaflows), as OVS prints them", 2, 2),
        new("run", "run DURATION | run until TIME", "let virtual time advance by DURATION (10ms, 1.5us) or up to TIME, and hold there", 1, 2),
        new("pause", "pause", "hold a running experiment where it is (recorded as `run until TIME`)", 0, 0),
        new("resume", "resume", "let the run go on freely (what happens then is not part of a replayable session)", 0, 0),
        new("time", "time", "print the virtual time and the run's state", 0, 0),
        new("migrate", "migrate VM SERVER", "live-migrate a VM (host3/kvm-0) to another server", 2, 2),
        new("save", "save FILE", "write the commands of this session so far to FILE, a script to replay with --script", 1, 1),
        new("help", "help [VERB]", "list the verbs, or explain one", 0, 1),
        new("exit", "exit", "leave the shell (also quit, or end of input)", 0, 0),
    ];

    private static readonly Dictionary<string, ShellVerb> ByName = All.ToDictionary(v => v.Name, StringComparer.Ordinal);

    public static ShellVerb? Find(string name) => name == "quit" ? ByName["exit"] : ByName.GetValueOrDefault(name);

    /// <summary>The line as a verb and its words, null for a blank line or a comment (#), or a <see cref="ShellException"/> saying what is wrong.</summary>
    public static ShellLine? Parse(string text)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0 || words[0].StartsWith('#')) return null;
        var verb = Find(words[0]) ?? throw new ShellException($"unknown command '{words[0]}': type help for the list");
        var args = words[1..];
        if (args.Length < verb.MinArgs || args.Length > verb.MaxArgs) throw new ShellException($"usage: {verb.Usage}");
        Check(verb, args);
        return new ShellLine(verb, args);
    }

    private static void Check(ShellVerb verb, string[] args)
    {
        switch (verb.Name)
        {
            case "ping":
                if (args.Length % 2 != 0) throw new ShellException($"usage: {verb.Usage}");
                for (var i = 2; i < args.Length; i += 2)
                {
                    if (args[i] == "count" && int.TryParse(args[i + 1], out var n) && n > 0) continue;
                    if (args[i] == "interval") { Duration(args[i + 1], "interval"); continue; }
                    throw new ShellException($"ping: '{args[i]} {args[i + 1]}': expected count N (N > 0) or interval DURATION");
                }
                break;
            case "iperf" when args.Length == 3:
                Duration(args[2], "iperf duration");
                break;
            case "run":
                if (args.Length == 2 && args[0] != "until") throw new ShellException($"usage: {verb.Usage}");
                Duration(args[^1], args.Length == 2 ? "run until" : "run");
                break;
            case "ovs-ofctl" when args[0] != "dump-flows":
            case "ovs-appctl" when args[0] != "dpctl/dump-flows":
                throw new ShellException($"usage: {verb.Usage}");
            case "help" when args.Length == 1 && Find(args[0]) is null:
                throw new ShellException($"help: no command '{args[0]}'");
        }
    }

    /// <summary>A positive duration in picoseconds, or what is wrong with it.</summary>
    public static long Duration(string text, string what)
    {
        if (!QuantityParser.TryParseTime(text, out var ps, out var error)) throw new ShellException($"{what}: {error}");
        return ps > 0 ? ps : throw new ShellException($"{what}: expected a duration greater than 0, got '{text}'");
    }

    /// <summary>help, or help VERB.</summary>
    public static string Help(string? verb)
    {
        if (verb is not null)
        {
            var v = Find(verb)!;
            return $"{v.Usage}\n  {v.Help}";
        }
        var width = All.Max(v => v.Usage.Length);
        return "Every command is an event in virtual time: a session saved with `save FILE` replays identically (dcsim shell SCENARIO --script FILE).\n"
            + string.Join('\n', All.Select(v => $"  {v.Usage.PadRight(width)}  {v.Help}"));
    }
}
