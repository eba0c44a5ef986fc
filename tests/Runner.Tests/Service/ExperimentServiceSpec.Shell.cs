using System.Net;
using System.Text.Json;
using DcSim.Runner.Service;
using DcSim.SimCore.Cluster;
using DcSim.SimCore.Metrics;
using Xunit;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.Runner.Tests.Service;

/// <summary>The shell's routes: a submission held at 0, run until a time (answered once held), actions where the run holds, and their problems.</summary>
public sealed partial class ExperimentServiceSpec
{
    private const string Json = "application/json";

    /// <summary>Submits held at 0 and lets the probe hold it there: the experiment's id.</summary>
    private async Task<string> HeldAtZero()
    {
        var id = await Submitted("?paused=true");
        _coordinator.ExpectMsg<StartExperiment>();
        var pause = _coordinator.ExpectMsg<PauseRun>();
        _coordinator.Reply(new RunControlled(pause.ControlId, true, "paused", ""));
        _coordinator.Reply(new RunHeld(0, 0, 0));
        await AwaitState(id, "paused");
        return id;
    }

    [Fact]
    public async Task A_held_submission_must_hold_at_0_run_until_a_time_answer_once_held_there_and_apply_actions_only_there()
    {
        // arrange
        var id = await HeldAtZero();

        // act: run 1.5us on (answered once held), then an action, then run for 10 ms more
        var run = Send(HttpMethod.Post, $"/experiments/{id}/run?until=1.5us");
        var until = _coordinator.ExpectMsg<RunUntil>();
        _coordinator.Reply(new RunControlled(until.ControlId, true, "running", "holds at 1500000 ps"));
        var early = await Status(id);
        _coordinator.Reply(new RunHeld(1_500_000, 3, 40));
        var held = await run;
        var snapshot = new ResultsBuilder();
        snapshot.Counters("host0", "server")["cores"] = 8;
        var entity = Send(HttpMethod.Get, $"/experiments/{id}/entities/host0");
        var query = _coordinator.ExpectMsg<QueryServers>();
        _coordinator.Reply(new ServersSnapshot(query.QueryId, 0, ResultsCodec.Encode(snapshot)));   // an idle partition's clock is at 0
        var counters = await entity;
        var act = Send(HttpMethod.Post, $"/experiments/{id}/actions", "{\"verb\": \"ping\", \"args\": [\"host0\", \"host3/kvm-0\", \"count\", \"2\"]}", Json);
        var directive = _coordinator.ExpectMsg<ApplyDirective>();
        _coordinator.Reply(new DirectiveApplied(directive.Id, true, 1_500_000, "ping host0 -> host3/kvm-0", ["host0/shell/ping-1"]));
        var acted = await act;
        var more = Send(HttpMethod.Post, $"/experiments/{id}/run?for=10ms");
        var forward = _coordinator.ExpectMsg<RunUntil>();
        _coordinator.Reply(new RunControlled(forward.ControlId, true, "running", ""));
        _coordinator.Reply(new RunHeld(10_001_500_000, 9, 100));
        await more;
        var resume = Send(HttpMethod.Post, $"/experiments/{id}/resume");
        var resumeRun = _coordinator.ExpectMsg<ResumeRun>();
        _coordinator.Reply(new RunControlled(resumeRun.ControlId, true, "running", ""));
        await resume;
        var notHeld = await Send(HttpMethod.Post, $"/experiments/{id}/actions", "{\"verb\": \"ping\", \"args\": [\"host0\", \"host1\"]}", Json);

        // assert
        Assert.Equal(1_500_000, until.Until);
        Assert.Equal(JsonValueKind.Null, early.GetProperty("held_ps").ValueKind);   // accepted, not yet held
        Assert.Equal(HttpStatusCode.OK, held.Status);
        Assert.Equal(("paused", 1_500_000L, 1_500_000L), (held.Body.GetProperty("state").GetString(), held.Body.GetProperty("held_ps").GetInt64(),
            held.Body.GetProperty("simulated_time_ps").GetInt64()));
        Assert.Equal(1_500_000, counters.Body.GetProperty("simulated_time_ps").GetInt64());   // the cut is where the run holds
        Assert.Equal("ping", directive.Verb);
        Assert.Equal(["host0", "host3/kvm-0", "count", "2"], directive.Arguments);
        Assert.Equal(HttpStatusCode.OK, acted.Status);
        Assert.Equal((directive.Id, true, 1_500_000L, "host0/shell/ping-1"), (acted.Body.GetProperty("id").GetInt64(), acted.Body.GetProperty("accepted").GetBoolean(),
            acted.Body.GetProperty("simulated_time_ps").GetInt64(), acted.Body.GetProperty("entities")[0].GetString()));
        Assert.Equal(10_001_500_000, forward.Until);   // for: from where the run holds
        Assert.Equal(HttpStatusCode.Conflict, notHeld.Status);
        Assert.Contains("an action applies only where the run holds", notHeld.Body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Run_until_and_actions_must_answer_problems_that_name_what_is_wrong()
    {
        // arrange
        var id = await HeldAtZero();

        // act
        var both = await Send(HttpMethod.Post, $"/experiments/{id}/run?until=1ms&for=1ms");
        var neither = await Send(HttpMethod.Post, $"/experiments/{id}/run");
        var badTime = await Send(HttpMethod.Post, $"/experiments/{id}/run?for=10 parsecs");
        var zero = await Send(HttpMethod.Post, $"/experiments/{id}/run?for=0ms");
        var unknownRun = await Send(HttpMethod.Post, "/experiments/9-nothing/run?for=1ms");
        var text = await Send(HttpMethod.Post, $"/experiments/{id}/actions", "ping host0 host1");
        var notJson = await Send(HttpMethod.Post, $"/experiments/{id}/actions", "{verb: ping", Json);
        var verb = await Send(HttpMethod.Post, $"/experiments/{id}/actions", "{\"verb\": \"traceroute\", \"args\": [\"host0\", \"host1\"]}", Json);
        var key = await Send(HttpMethod.Post, $"/experiments/{id}/actions", "{\"verb\": \"ping\", \"args\": [\"host0\", \"host1\"], \"count\": 3}", Json);
        var few = await Send(HttpMethod.Post, $"/experiments/{id}/actions", "{\"verb\": \"iperf\", \"args\": [\"host0\"]}", Json);
        var server = await Send(HttpMethod.Post, $"/experiments/{id}/actions", "{\"verb\": \"ping\", \"args\": [\"host0\", \"host99/kvm-0\"]}", Json);
        var bare = await Send(HttpMethod.Post, $"/experiments/{id}/actions", "{\"verb\": \"ping\", \"args\": [\"host32\", \"host1\"]}", Json);
        var vm = Send(HttpMethod.Post, $"/experiments/{id}/actions", "{\"verb\": \"ping\", \"args\": [\"kvm-0\", \"host1\"]}", Json);
        var byName = _coordinator.ExpectMsg<ApplyDirective>();   // a bare VM name is the model's to resolve
        _coordinator.Reply(new DirectiveApplied(byName.Id, false, 0, "no endpoint named 'kvm-0'", []));
        var vmRefused = await vm;
        var refuse = Send(HttpMethod.Post, $"/experiments/{id}/actions", "{\"verb\": \"ping\", \"args\": [\"host0\", \"host1\", \"count\", \"x\"]}", Json);
        var directive = _coordinator.ExpectMsg<ApplyDirective>();
        _coordinator.Reply(new DirectiveApplied(directive.Id, false, 0, "count: expected a positive integer, got 'x'", []));
        var refused = await refuse;

        // assert
        string Detail((HttpStatusCode, string?, JsonElement Body, HttpResponseMessage) r) => r.Body.GetProperty("detail").GetString()!;
        Assert.All(new[] { both, neither, badTime, zero, notJson, verb, key, few, refused }, r => Assert.Equal(HttpStatusCode.BadRequest, r.Status));
        Assert.Equal("give exactly one of the queries until (a simulated time) and for (a duration)", Detail(both));
        Assert.Equal(Detail(both), Detail(neither));
        Assert.StartsWith("query for: ", Detail(badTime));
        Assert.Equal("query for: expected a time after 0, got '0ms'", Detail(zero));
        Assert.Equal((HttpStatusCode.NotFound, "no experiment '9-nothing'"), (unknownRun.Status, Detail(unknownRun)));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.Status);
        Assert.StartsWith("the body is not JSON: ", Detail(notJson));
        Assert.Equal("verb: unknown action 'traceroute'; expected one of ping, iperf, migrate", Detail(verb));
        Assert.Equal("unknown key 'count': an action has verb and args", Detail(key));
        Assert.StartsWith("iperf: expected 2 names", Detail(few));
        Assert.Equal((HttpStatusCode.NotFound, "ping: no server 'host99' (the servers are host0 to host31)"), (server.Status, Detail(server)));
        Assert.Equal("ping host0 host1 count x: count: expected a positive integer, got 'x'", Detail(refused));
        Assert.Equal((HttpStatusCode.NotFound, "ping: no server 'host32' (the servers are host0 to host31)"), (bare.Status, Detail(bare)));
        Assert.Equal((HttpStatusCode.BadRequest, "ping kvm-0 host1: no endpoint named 'kvm-0'"), (vmRefused.Status, Detail(vmRefused)));
        _coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(100));   // only those the model refused went to the coordinator
    }

    [Fact]
    public async Task Controls_out_together_must_each_get_the_coordinators_answer_to_their_own_request_whatever_the_order()
    {
        // arrange: held at 0, a resume and a run-until go out together
        var id = await HeldAtZero();
        var resume = Send(HttpMethod.Post, $"/experiments/{id}/resume");
        var run = Send(HttpMethod.Post, $"/experiments/{id}/run?until=1ms");
        var controls = new[] { _coordinator.ExpectMsg<IDcSimMessage>(), _coordinator.ExpectMsg<IDcSimMessage>() };

        // act: the coordinator answers the later one first
        foreach (var control in controls.Reverse())
            _coordinator.Reply(control switch
            {
                ResumeRun r => new RunControlled(r.ControlId, true, "running", ""),
                RunUntil u => new RunControlled(u.ControlId, false, "running", "simulated time 1000000000 ps is not after 1000000001 ps, where the run has got to"),
                var other => throw new Xunit.Sdk.XunitException($"unexpected {other}"),
            });
        var resumed = await resume;
        var refused = await run;

        // assert
        Assert.Single(controls.OfType<ResumeRun>());
        Assert.Single(controls.OfType<RunUntil>());
        Assert.Equal((HttpStatusCode.OK, "running"), (resumed.Status, resumed.Body.GetProperty("state").GetString()));
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal($"experiment {id}: the run is running: simulated time 1000000000 ps is not after 1000000001 ps, where the run has got to",
            refused.Body.GetProperty("detail").GetString());
    }
}
