using System.Collections.Concurrent;
using System.Diagnostics;
using DcSim.Runner.Commands;

namespace DcSim.Runner.Hosting;

/// <summary>Starts and stops the extra `dcsim node` processes of a `dcsim run --nodes N` on loopback.</summary>
internal sealed class WorkerProcesses : IDisposable
{
    private readonly List<Process> _processes = [];
    private readonly ConcurrentDictionary<string, int> _pidByAddress = new();

    public static WorkerProcesses Start(int count, string seedNode, bool verbose)
    {
        var workers = new WorkerProcesses();
        var (file, prefix) = SelfCommand();
        for (var i = 0; i < count; i++)
        {
            var psi = new ProcessStartInfo(file)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in prefix) psi.ArgumentList.Add(a);
            foreach (var a in (string[])["node", "--port", "0", "--seed-node", seedNode, "--parent-pid", Environment.ProcessId.ToString()])
                psi.ArgumentList.Add(a);
            if (verbose) psi.ArgumentList.Add("--verbose");
            var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start a worker process");
            // A worker's stdout is its start-up line, shown with --verbose; its stderr (its Akka log with --verbose) always is.
            p.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                if (e.Data.StartsWith(NodeCommand.StartLinePrefix, StringComparison.Ordinal))
                    workers._pidByAddress[e.Data[NodeCommand.StartLinePrefix.Length..].Split(' ')[0]] = p.Id;
                if (verbose) Console.Error.WriteLine($"[worker {p.Id}] {e.Data}");
            };
            p.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"[worker {p.Id}] {e.Data}"); };
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            workers._processes.Add(p);
        }
        return workers;
    }

    /// <summary>Names the worker process behind each cluster address in <paramref name="text"/>, so a lost member can be found.</summary>
    public string Name(string text) =>
        _pidByAddress.Aggregate(text, (t, w) => t.Replace(w.Key, $"{w.Key} (worker process {w.Value})", StringComparison.Ordinal));

    /// <summary>How to start this same program again: the apphost, or `dotnet dcsim.dll`.</summary>
    internal static (string File, string[] Prefix) SelfCommand()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell this program's path");
        var name = Path.GetFileNameWithoutExtension(process);
        return name == "dotnet" ? (process, [typeof(WorkerProcesses).Assembly.Location]) : (process, []);
    }

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            try
            {
                if (!p.HasExited) p.Kill(entireProcessTree: true);
                p.WaitForExit(5000);
            }
            catch (InvalidOperationException) { }
            p.Dispose();
        }
    }
}
