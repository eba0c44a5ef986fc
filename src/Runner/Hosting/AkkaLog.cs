using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace DcSim.Runner.Hosting;

/// <summary>
/// Where a process's Akka log goes: a file (the default), so that the remoting and cluster traces of a lost
/// member or an interrupted run never fill the console, or stderr with `--verbose`. The file is created only
/// when there is something to write, so a clean run leaves none.
/// </summary>
internal sealed record AkkaLog(string? File)
{
    public static AkkaLog Console { get; } = new((string?)null);

    /// <summary>A file per process under the temp folder, never in the results folder (a failed run writes nothing there).</summary>
    public static AkkaLog ForProcess(string command) =>
        new(Path.Combine(Path.GetTempPath(), "dcsim", $"{command}-{Environment.ProcessId}.log"));

    public static AkkaLog For(string command, bool verbose) => verbose ? Console : ForProcess(command);

    /// <summary>A hint to append to an error line, so the details are a path away.</summary>
    public string Hint => File is null ? "" : $" (Akka's log: {File})";
}

/// <summary>
/// The logger actor named in <c>akka.loggers</c>: writes Akka's log events where <see cref="AkkaLog"/> says. Untyped: an ActorSystem's
/// start waits for its loggers to answer, and a ReceiveActor's first instance compiles its handlers (System.Linq.Expressions) first.
/// </summary>
internal sealed class AkkaLogWriter : UntypedActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private readonly string _path = Context.System.Settings.Config.GetString("dcsim.akka-log-file", "");
    private TextWriter? _writer;

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case InitializeLogger:
                Sender.Tell(new LoggerInitialized());
                break;
            case LogEvent e:
                Writer().WriteLine(e.ToString());
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private TextWriter Writer()
    {
        if (_writer is not null) return _writer;
        if (_path.Length == 0) return _writer = System.Console.Error;
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        return _writer = new StreamWriter(_path, append: true) { AutoFlush = true };
    }

    protected override void PostStop()
    {
        if (_writer is StreamWriter file) file.Dispose();
        base.PostStop();
    }
}
