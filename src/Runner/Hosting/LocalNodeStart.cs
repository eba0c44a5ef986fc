namespace DcSim.Runner.Hosting;

/// <summary>
/// A one-process run's node (<see cref="SimNode.StartLocal"/>), started on a thread-pool thread as soon as the command line is read,
/// so that Akka's start-up (mostly JIT) overlaps the scenario's load and checks instead of following them: neither needs the other.
/// The run takes it (<see cref="Take"/>); a run refused before that (a bad scenario or option) leaves it to shut down unused.
/// </summary>
internal sealed class LocalNodeStart(AkkaLog log) : IAsyncDisposable
{
    private readonly Task<SimNode> _starting = Task.Run(() => SimNode.StartLocal(log));
    private bool _taken;

    /// <summary>The node, now the caller's to dispose.</summary>
    public Task<SimNode> Take()
    {
        _taken = true;
        return _starting;
    }

    /// <summary>
    /// Shuts an untaken node down in the background: a refused run exits at once rather than wait for a start it does not need
    /// (the process's exit ends it just as well).
    /// </summary>
    public ValueTask DisposeAsync()
    {
        if (!_taken) _ = ShutDownAsync();
        return ValueTask.CompletedTask;
    }

    private async Task ShutDownAsync()
    {
        try
        {
            await (await _starting).DisposeAsync();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A node that could not start would have failed the run; a refused run has already said why it stops.
        }
    }
}
