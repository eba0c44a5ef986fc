using System.Linq.Expressions;
using System.Security.Cryptography;

namespace DcSim.Runner.Hosting;

/// <summary>
/// A one-process run's node (<see cref="SimNode.StartLocal"/>), started on a thread-pool thread as soon as the command line is read,
/// so that Akka's start-up (mostly JIT) overlaps the scenario's load and checks instead of following them: neither needs the other.
/// Beside it a second thread pays costs it would meet half-way (<see cref="WarmUp"/>). The run takes it (<see cref="Take"/>); a run
/// refused before that (a bad scenario or option) leaves it to shut down unused.
/// </summary>
internal sealed class LocalNodeStart : IAsyncDisposable
{
    private readonly Task<SimNode> _starting;
    private bool _taken;

    public LocalNodeStart(AkkaLog log)
    {
        _ = Task.Run(WarmUp);
        _starting = Task.Run(() => SimNode.StartLocal(log));
    }

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

    /// <summary>
    /// Does, on another core while the scenario loads, one-time costs that the node's start and its first actors would otherwise meet on
    /// the way to the first window: Akka seeds its random numbers from the system's cryptographic generator (which loads OpenSSL),
    /// and compiles each ReceiveActor type's handlers with System.Linq.Expressions, whose first compile in a process takes ~30 ms and
    /// the next ones under 1 ms (the coordinator, the partition region and the client compile theirs at once). Akka's duration regex
    /// is no longer warmed up here but made cheap (<see cref="AkkaDurationRegex"/>): its JIT here held the node's start, which waited
    /// for it, by ~140 ms under load.
    /// </summary>
    private static void WarmUp()
    {
        RandomNumberGenerator.GetInt32(int.MaxValue);
        CompileMatchLikeLambda()("warm-up");
    }

    /// <summary>A lambda of the expressions Akka's ReceiveActor compiles its handlers to: type tests, a call, labels and returns.</summary>
    private static Func<object, bool> CompileMatchLikeLambda()
    {
        var message = Expression.Parameter(typeof(object), "message");
        var text = Expression.Variable(typeof(string), "text");
        var handled = Expression.Label(typeof(bool));
        Action<string> handler = _ => { };
        var body = Expression.Block([text],
            Expression.Assign(text, Expression.TypeAs(message, typeof(string))),
            Expression.IfThen(Expression.NotEqual(text, Expression.Constant(null)),
                Expression.Block(Expression.Invoke(Expression.Constant(handler), text), Expression.Return(handled, Expression.Constant(true)))),
            Expression.Label(handled, Expression.TypeIs(message, typeof(Version))));
        return Expression.Lambda<Func<object, bool>>(body, message).Compile();
    }
}
