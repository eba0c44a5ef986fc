using DcSim.Runner.Hosting;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using Xunit;

namespace DcSim.Runner.Tests.Hosting;

/// <summary>
/// A one-process run simulates while its journal records its definition (the task passed as <c>ready</c>), and hands out nothing
/// before that is durable: a journal that fails then fails the run, which returns no outcome (so writes no result files).
/// </summary>
public sealed class ExperimentJournalGateSpec
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    private static ScenarioSettings Scenario => ScenarioLoader.Parse("""
        name = gate
        duration = 5ms
        kernel.progress-interval = 1ms
        topology { spines = 1, leaves = 2, hosts-per-leaf = 2 }
        traffic.generators = [{ kind = cbr, rate = 100Mbps, packet-size = 1000B, destination = random, stop = 4ms }]
        """, "gate.conf", ".", ActorsHost.FabricModel.Instance);

    private static Task<ExperimentOutcome> Run(Task? ready, Action<WindowProgress>? progress = null, Action<string>? failed = null) =>
        Experiment.RunAsync(Scenario, ".", 1, new RunCluster(1, null, AkkaLog.Console), p => progress?.Invoke(new(p.SimulatedTime)),
            CancellationToken.None, failed: failed, ready: ready).WaitAsync(Limit);

    private sealed record WindowProgress(long SimulatedTime);

    [Fact]
    public async Task A_run_whose_journal_fails_while_it_simulates_must_fail_without_an_outcome()
    {
        // arrange: the journal's write fails once the run has simulated
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string? reason = null;

        // act
        var run = Run(ready.Task, _ => ready.TrySetException(new IOException("disk full")), r => reason = r);
        var ex = await Assert.ThrowsAsync<ExperimentFailedException>(() => run);

        // assert
        Assert.Equal("the journal could not record the run: disk full", ex.Message);
        Assert.Equal(ex.Message, reason);
    }

    [Fact]
    public async Task A_run_whose_journal_becomes_durable_while_it_simulates_must_give_the_results_of_a_run_without_journal()
    {
        // arrange: the journal's write completes once the run has simulated
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var before = await Run(null);

        // act
        var after = await Run(ready.Task, _ => ready.TrySetResult());

        // assert
        Assert.True(ready.Task.IsCompletedSuccessfully);
        Assert.Equal(ResultsCodec.Encode(before.Results), ResultsCodec.Encode(after.Results));
    }
}
