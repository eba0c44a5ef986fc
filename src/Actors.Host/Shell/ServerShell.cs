using DcSim.ActorsHost.Endpoints;
using DcSim.ActorsHost.Migration;
using DcSim.ActorsHost.Servers;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Units;

namespace DcSim.ActorsHost.Shell;

/// <summary>
/// The shell's directives on one server (<see cref="Server.Apply"/>): <c>ping SRC DST [count N] [interval DURATION]</c>,
/// <c>iperf SRC DST [duration DURATION]</c> and <c>migrate VM SERVER [NAME VALUE ...]</c> (<see cref="ShellMigrate"/>), taken by the
/// server whose LP holds SRC's endpoint now (the server's own, or a VM's or a container's here); ping and iperf report under
/// <c>SERVER/shell/VERB-ID</c>, in snapshots and in the results; a migration as the scenario's do. One serves every server of a
/// partition and keeps, by server, what the directives started there and the migrations they can start or bring there: most servers
/// never have either, and two fields of every server were 16 B of an idle host (docs/benchmarks.md, seventh round).
/// </summary>
internal sealed class ServerShell(ShellNames names, ShellMigrate migrate)
{
    private readonly Dictionary<int, List<IShellApplication>> _started = [];
    private readonly Dictionary<int, DirectedMigrations> _moves = [];

    public const int MaxPingCount = 100_000;
    public static readonly long DefaultPingInterval = SimTime.Millisecond;
    public static readonly long DefaultIperfDuration = 100 * SimTime.Millisecond;

    public static readonly string[] Verbs = ["ping", "iperf", ShellMigrate.Verb];

    /// <summary>The directive if it is one of the shell's and SRC's endpoint is on <paramref name="server"/>; else null.</summary>
    public DirectiveResult? Apply(Server server, Directive directive)
    {
        if (!Verbs.Contains(directive.Verb) || directive.Arguments is not [var source, var target, ..] || LocalStack(server, source) is not { } stack)
            return null;
        var verb = directive.Verb;
        if (verb == ShellMigrate.Verb) return migrate.Apply(server, directive, stack, source, target, directive.Arguments.AsSpan(2));
        var destination = names.Resolve(target);
        if (destination < 0) return DirectiveResult.Refused($"{verb}: no server, VM or container named '{target}' (DST)");
        if (destination == stack.Address.Id) return DirectiveResult.Refused($"{verb}: '{source}' and '{target}' are the same endpoint");
        var path = ShellApplications.PathOf(server.Name, verb, directive.Id);
        var options = directive.Arguments.AsSpan(2);
        return verb == "ping" ? Ping(server, stack, path, directive.Id, destination, options) : Iperf(server, stack, path, directive.Id, destination, options);
    }

    private DirectiveResult Ping(Server server, EndpointStack stack, string path, long id, int destination, ReadOnlySpan<string> given)
    {
        var (options, error) = ShellOptions.Parse("ping", given, "count", "interval");
        if (options is null) return DirectiveResult.Refused(error);
        var (count, countError) = options.Count("count", 1, 1, MaxPingCount);
        if (countError != "") return DirectiveResult.Refused(countError);
        var (interval, intervalError) = options.Duration("interval", DefaultPingInterval);
        if (intervalError != "") return DirectiveResult.Refused(intervalError);
        if (stack.NextPingPort > ushort.MaxValue)
            return DirectiveResult.Refused($"ping: {EndpointResults.EntityPath(stack.Path)} has run out of source ports for pings");
        var ping = new ShellPing(stack, path, id, destination, count, interval, (ushort)stack.NextPingPort);
        stack.StartPing(ping);
        Started(server, ping);
        return DirectiveResult.Applied($"{count} echo requests of {ShellPing.PayloadBytes} B from endpoint {stack.Address.Id} to endpoint {destination}, "
            + $"every {SimTime.Format(interval)}", path);
    }

    private DirectiveResult Iperf(Server server, EndpointStack stack, string path, long id, int destination, ReadOnlySpan<string> given)
    {
        var (options, error) = ShellOptions.Parse("iperf", given, "duration");
        if (options is null) return DirectiveResult.Refused(error);
        var (duration, durationError) = options.Duration("duration", DefaultIperfDuration);
        if (durationError != "") return DirectiveResult.Refused(durationError);
        var iperf = new ShellIperf(stack, path, id, destination, duration);
        iperf.Start();
        Started(server, iperf);
        return DirectiveResult.Applied($"TCP from endpoint {stack.Address.Id} to endpoint {destination} for {SimTime.Format(duration)}", path);
    }

    /// <summary>The live migrations directives start from <paramref name="server"/> or bring there, on a server that switches VMs; else null.</summary>
    public DirectedMigrations? MovesOf(Server server) => _moves.GetValueOrDefault(server.Id);

    /// <summary>Makes <paramref name="moves"/> the live migrations of <paramref name="server"/> (it switches VMs), while it is built.</summary>
    public void Moves(Server server, DirectedMigrations moves) => _moves.Add(server.Id, moves);

    /// <summary>Adds the counters of everything the directives started on <paramref name="server"/>.</summary>
    public void Write(Server server, ResultsBuilder results)
    {
        if (!_started.TryGetValue(server.Id, out var started)) return;
        foreach (var app in started) app.Write(results);
    }

    private void Started(Server server, IShellApplication application)
    {
        if (!_started.TryGetValue(server.Id, out var started)) _started[server.Id] = started = [];
        started.Add(application);
    }

    /// <summary>The stack of the endpoint <paramref name="name"/> (a server, an entity's name or its path) if this server holds it now.</summary>
    private static EndpointStack? LocalStack(Server server, string name)
    {
        foreach (var c in server.Components)
        {
            if (c is not EndpointStack stack) continue;
            var entity = EndpointResults.EntityPath(stack.Path);
            if (entity == name || entity[(entity.LastIndexOf('/') + 1)..] == name) return stack;
        }
        return null;
    }
}
