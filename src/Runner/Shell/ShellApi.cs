using System.Globalization;
using System.Text.Json;
using DcSim.Runner.Commands;

namespace DcSim.Runner.Shell;

/// <summary>
/// What the shell asks of the experiment service about its one experiment: the topology, the counters of an entity, run on and hold,
/// apply an action. A problem the service answers becomes a <see cref="ShellException"/> carrying its line.
/// </summary>
internal sealed class ShellApi(ServiceClient client, string experiment)
{
    private static readonly TimeSpan HoldPoll = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan HoldLimit = TimeSpan.FromSeconds(120);

    public string Experiment { get; } = experiment;
    private string Root => $"/experiments/{Uri.EscapeDataString(Experiment)}";

    public async Task<JsonElement> Topology() => (await Ok(client.Get($"{Root}/topology"))).Body;

    public async Task<JsonElement> Links() => (await Ok(client.Get($"{Root}/links"))).Body;

    public async Task<JsonElement> Servers() => (await Ok(client.Get($"{Root}/servers"))).Body;

    /// <summary>
    /// The component at <paramref name="path"/> and every one under it: {simulated_time_ps, path, components}; with
    /// <paramref name="listings"/>, each component's listings too (a vSwitch's rules and datapath flows).
    /// </summary>
    public async Task<JsonElement> Entities(string path, bool listings = false) =>
        (await Ok(client.Get($"{Root}/entities/{string.Join('/', path.Split('/').Select(Uri.EscapeDataString))}{(listings ? "?listings=true" : "")}"))).Body;

    public async Task<JsonElement> Status() => (await Ok(client.Get(Root))).Body;

    /// <summary>Runs on and holds at <paramref name="until"/> ps; answers once held (or the run is over) with the experiment.</summary>
    public async Task<JsonElement> RunUntil(long until) =>
        (await Ok(client.Post($"{Root}/run?until={until.ToString(CultureInfo.InvariantCulture)}ps"))).Body;

    public async Task<JsonElement> Resume() => (await Ok(client.Post($"{Root}/resume"))).Body;

    /// <summary>Pauses the run and waits until it holds at a barrier: the experiment, with held_ps.</summary>
    public async Task<JsonElement> Pause()
    {
        await Ok(client.Post($"{Root}/pause"));
        return await Held();
    }

    /// <summary>The experiment once its run holds (held_ps set), or once it is over; wall-clock waiting changes nothing simulated.</summary>
    public async Task<JsonElement> Held()
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var status = await Status();
            if (HeldAt(status) is not null || State(status) is not ("running" or "paused")) return status;
            if (waited.Elapsed > HoldLimit) throw new ShellException($"experiment {Experiment} did not hold within {HoldLimit.TotalSeconds:0} s");
            await Task.Delay(HoldPoll);
        }
    }

    /// <summary>Applies an action where the run holds: {id, accepted, simulated_time_ps, detail, entities}.</summary>
    public async Task<JsonElement> Act(string verb, IReadOnlyList<string> args) =>
        (await Ok(client.PostJson($"{Root}/actions", JsonSerializer.Serialize(new { verb, args })))).Body;

    public async Task Stop() => await client.Post($"{Root}/stop");

    public static long? HeldAt(JsonElement experiment) =>
        experiment.TryGetProperty("held_ps", out var held) && held.ValueKind == JsonValueKind.Number ? held.GetInt64() : null;

    public static string State(JsonElement experiment) => experiment.GetProperty("state").GetString()!;

    private static async Task<ServiceClient.Answer> Ok(Task<ServiceClient.Answer> request)
    {
        var answer = await request;
        return answer.Ok ? answer : throw new ShellException(answer.Problem());
    }
}

/// <summary>A command the shell could not carry out: its message is printed as the command's answer.</summary>
internal sealed class ShellException(string message) : Exception(message);
