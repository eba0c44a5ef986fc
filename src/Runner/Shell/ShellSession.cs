using System.Globalization;
using System.Text.Json;
using DcSim.SimCore.Units;

namespace DcSim.Runner.Shell;

/// <summary>
/// The shell's commands against one experiment of the service (docs/shell.md). Every action is an event in virtual time and the run
/// holds between commands, so what a session prints depends only on the scenario, its seed and the commands: the lines it keeps
/// (<see cref="Script"/>) replay to the same output. After a ping or an iperf, virtual time advances in doubling steps until the
/// action's counters say it is done: the steps depend only on those counters, never on the wall clock.
/// </summary>
internal sealed class ShellSession
{
    /// <summary>The first step virtual time advances by after an action; it doubles up to <see cref="StepCap"/>.</summary>
    public static readonly long FirstStep = 100 * SimTime.Microsecond;
    public static readonly long StepCap = 100 * SimTime.Millisecond;
    /// <summary>What iperf runs for unless told (the model's default).</summary>
    public static readonly long IperfDefault = 100 * SimTime.Millisecond;

    /// <summary>Verbs that only show: recorded only while the run holds (a replay asks them at the same time).</summary>
    private static readonly HashSet<string> ReadOnly = ["nodes", "links", "dump", "ovs-ofctl", "ovs-appctl", "time"];

    private readonly ShellApi _api;
    private readonly TextWriter _out;
    private readonly Action<string>? _recorded;
    private readonly bool _tables;
    private readonly List<string> _script = [];
    private JsonElement _topology;
    private string _state = "";
    private long? _held;
    private long _time;

    private ShellSession(ShellApi api, TextWriter output, Action<string>? recorded, bool tables)
    {
        _tables = tables;
        _api = api;
        _out = output;
        _recorded = recorded;
    }

    /// <summary>The lines of this session that a replay needs, in order (what `save` writes).</summary>
    public IReadOnlyList<string> Script => _script;

    /// <summary>Names to complete: the switches and servers, then the VMs and containers seen so far.</summary>
    public IReadOnlyList<string> Names { get; private set; } = [];

    /// <summary>The verb `exit` was given.</summary>
    public bool Exited { get; private set; }

    /// <summary>Opens a session on the experiment; one attached where it already holds records `run until` that time first.</summary>
    /// <param name="tables">Counters as tables on the terminal (Spectre.Console) instead of aligned text.</param>
    public static async Task<ShellSession> Open(ShellApi api, TextWriter output, Action<string>? recorded, bool tables)
    {
        var session = new ShellSession(api, output, recorded, tables);
        session._topology = await api.Topology();
        session.Update(await api.Status());
        if (session._held is > 0) session.Record($"run until {Exact(session._held.Value)}");
        await session.RefreshNames();
        return session;
    }

    /// <summary>Carries out one typed line, printing its answer; false when it failed (the reason is printed).</summary>
    public async Task<bool> Execute(string text)
    {
        try
        {
            if (ShellVerbs.Parse(text) is not { } line) return true;
            var record = await Run(line);
            // What a running experiment shows depends on when it was asked: a replay could not show the same.
            if (record is not null && (_held is not null || !ReadOnly.Contains(line.Verb.Name))) Record(record);
            return true;
        }
        catch (ShellException ex)
        {
            _out.WriteLine($"*** {ex.Message}");
            return false;
        }
    }

    private void Record(string line)
    {
        _script.Add(line);
        _recorded?.Invoke(line);
    }

    /// <summary>Runs the line; the line to record for a replay, or null for none (help, save, exit).</summary>
    private async Task<string?> Run(ShellLine line)
    {
        var a = line.Args;
        switch (line.Verb.Name)
        {
            case "help":
                _out.WriteLine(ShellVerbs.Help(a.Count == 0 ? null : a[0]));
                return null;
            case "exit":
                Exited = true;
                return null;
            case "save":
                await File.WriteAllLinesAsync(a[0], _script);
                _out.WriteLine($"*** saved {_script.Count} command(s) to {a[0]}");
                return null;
            case "nodes":
                _out.WriteLine(ShellFormat.Nodes(_topology));
                break;
            case "links":
                _out.WriteLine(ShellFormat.Links(_topology, await _api.Links()));
                break;
            case "dump":
                Dump(await _api.Entities(a[0]));
                break;
            case "ovs-ofctl" or "ovs-appctl":
                var vswitch = $"{a[1]}/vswitch";
                var (listing, what) = line.Verb.Name == "ovs-ofctl" ? ("openflow_rules", "OpenFlow rules") : ("datapath_flows", "datapath flows");
                _out.WriteLine(ShellFormat.Listing(await _api.Entities(vswitch, listings: true), vswitch, listing, what));
                break;
            case "time":
                Update(await _api.Status());
                _out.WriteLine($"t={ShellFormat.Time(_time)} ({_state}{(_held is null ? "" : ", held")})");
                break;
            case "run":
                return await RunOn(a.Count == 2 ? ShellVerbs.Duration(a[1], "run until") : _time + ShellVerbs.Duration(a[0], "run"));
            case "pause":
                Update(await _api.Pause());
                if (_held is not { } at) throw new ShellException($"the run is {_state}: it did not hold");
                _out.WriteLine($"*** held at t={ShellFormat.Time(at)}");
                return $"run until {Exact(at)}";
            case "resume":
                Update(await _api.Resume());
                _out.WriteLine($"*** {_state} from t={ShellFormat.Time(_time)}");
                break;
            case "ping":
                await Ping(a);
                break;
            case "pingall":
                await PingAll();
                break;
            case "iperf":
                await Iperf(a);
                break;
            case "migrate":
                RequireHeld();
                var migrated = await _api.Act("migrate", a);
                _out.WriteLine($"*** migrate {a[0]} -> {a[1]} at t={ShellFormat.Time(migrated.GetProperty("simulated_time_ps").GetInt64())}: "
                    + migrated.GetProperty("detail").GetString());
                break;
        }
        return line.ToString();
    }

    private void Dump(JsonElement entities)
    {
        if (_tables) Spectre.Console.AnsiConsole.Write(ShellFormat.DumpTable(entities));
        else _out.WriteLine(ShellFormat.Dump(entities));
    }

    private async Task<string> RunOn(long until)
    {
        if (until <= _time) throw new ShellException($"the run is at t={ShellFormat.Time(_time)} already: run until a later time");
        Update(await _api.RunUntil(until));
        _out.WriteLine(_held is { } at ? $"*** held at t={ShellFormat.Time(at)}" : $"*** the run is {_state} (it ends at t={ShellFormat.Time(_time)})");
        await RefreshNames();
        return $"run until {Exact(until)}";
    }

    private async Task Ping(IReadOnlyList<string> a)
    {
        RequireHeld();
        var (path, at) = await Act("ping", a);
        _out.WriteLine(ShellFormat.Ping(a[0], a[1], path, at, await Settle(path), _time));
    }

    private async Task PingAll()
    {
        RequireHeld();
        var servers = ShellFormat.Names(_topology, "servers").ToList();
        var results = new Dictionary<(string, string), IReadOnlyDictionary<string, long>>();
        var at = _time;
        // One ping at a time, as Mininet's pingall: each sees the fabric as the run has it, not the other pings.
        foreach (var source in servers)
            foreach (var target in servers.Where(t => t != source))
            {
                var (path, _) = await Act("ping", [source, target]);
                results[(source, target)] = await Settle(path);
            }
        _out.WriteLine(ShellFormat.PingAll(servers, results, at));
    }

    private async Task Iperf(IReadOnlyList<string> a)
    {
        RequireHeld();
        var duration = a.Count == 3 ? ShellVerbs.Duration(a[2], "iperf duration") : IperfDefault;
        var (path, _) = await Act("iperf", a.Count == 3 ? [a[0], a[1], "duration", a[2]] : [a[0], a[1]]);
        _out.WriteLine(ShellFormat.Iperf(a[0], a[1], path, duration, await Settle(path)));
    }

    /// <summary>Applies an action where the run holds: the path of its counters, and the time it was applied at.</summary>
    private async Task<(string Path, long At)> Act(string verb, IReadOnlyList<string> args)
    {
        var applied = await _api.Act(verb, args);
        var entities = applied.GetProperty("entities").EnumerateArray().Select(e => e.GetString()!).ToList();
        if (entities.Count == 0) throw new ShellException($"{verb} {string.Join(' ', args)}: the model named no counters for it");
        return (entities[0], applied.GetProperty("simulated_time_ps").GetInt64());
    }

    /// <summary>
    /// Advances virtual time in doubling steps from <see cref="FirstStep"/> (at most <see cref="StepCap"/>) until the counters at
    /// <paramref name="path"/> say done, or the run is over; then those counters.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, long>> Settle(string path)
    {
        var step = FirstStep;
        while (true)
        {
            Update(await _api.RunUntil(_time + step));
            var counters = ShellFormat.Counters(await _api.Entities(path), path);
            if (_held is null || counters.GetValueOrDefault("done") == 1) return counters;
            step = Math.Min(step * 2, StepCap);
        }
    }

    private void RequireHeld()
    {
        if (_held is not null) return;
        throw new ShellException(_state is "running" or "paused"
            ? $"the run is {_state} and not held: pause it, or run until a time, first"
            : $"the run is {_state}: actions need a run that holds");
    }

    private void Update(JsonElement experiment)
    {
        _state = ShellApi.State(experiment);
        _held = ShellApi.HeldAt(experiment);
        _time = _held ?? experiment.GetProperty("simulated_time_ps").GetInt64();
    }

    /// <summary>The names to complete: the topology's, and the VMs and containers of the servers now (they come and go).</summary>
    private async Task RefreshNames()
    {
        var names = ShellFormat.Names(_topology, "switches").Concat(ShellFormat.Names(_topology, "servers")).ToList();
        // Counters are there while the run holds or once it is over (not while its partitions are being built).
        if (_held is not null || _state == "completed")
        {
            var servers = await _api.Servers();
            names.AddRange(servers.GetProperty("servers").EnumerateArray()
                .SelectMany(s => s.GetProperty("entities").EnumerateArray().Select(e => e.GetProperty("path").GetString()!)));
        }
        Names = names;
    }

    /// <summary>A time as a script writes it: exact picoseconds.</summary>
    private static string Exact(long ps) => ps.ToString(CultureInfo.InvariantCulture) + "ps";
}
