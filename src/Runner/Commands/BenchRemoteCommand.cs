using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using DcSim.Runner.Hosting;
using DcSim.SimCore.Kernel;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.Runner.Commands;

/// <summary>
/// `dcsim bench-remote [--rounds N] [--events N]`: the floor under windows across processes. A second process (this program again)
/// echoes; this one measures round trips of an <see cref="EventBatch"/> through Akka.Remote, with the Runner's remoting settings
/// (<see cref="ClusterConfig"/>) and our serializer, and through a plain TCP socket (NoDelay) carrying the same serialized bytes, which
/// is what a dedicated data channel between partitions would cost. Wall-clock figures only.
/// </summary>
internal static class BenchRemoteCommand
{
    private const string EchoLinePrefix = "dcsim bench-remote echo ";

    public static Command Create()
    {
        var rounds = new Option<int>("--rounds") { Description = "Round trips per measurement", DefaultValueFactory = _ => 3000 };
        var events = new Option<int>("--events") { Description = "Events in the large batch (~133 bytes each)", DefaultValueFactory = _ => 300 };
        var echo = new Option<int?>("--echo") { Description = "Echo for a measuring process listening on this TCP port", Hidden = true };
        var command = new Command("bench-remote", "Measure round trips between two processes: Akka.Remote against a plain TCP socket") { rounds, events, echo };
        command.SetAction((parse, cancel) => parse.GetValue(echo) is { } port
            ? Echo(port, cancel)
            : Measure(parse.GetValue(rounds), parse.GetValue(events), cancel));
        return command;
    }

    private static ActorSystem System(string name) => ActorSystem.Create("dcsim", ConfigurationFactory.ParseString("akka.actor.provider = remote")
        .WithFallback(ClusterConfig.Create("127.0.0.1", 0, [], AkkaLog.ForProcess(name))));

    private static EventBatch Batch(int events) =>
        new(1, 0, 7, Enumerable.Range(0, events).Select(i => new SimEvent { Time = 1_000_000L + i, Order = i, Lp = i % 128 }).ToArray(), []);

    private static async Task<int> Measure(int rounds, int events, CancellationToken cancel)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var (file, prefix) = WorkerProcesses.SelfCommand();
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in prefix.Concat(["bench-remote", "--echo", ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture)]))
            psi.ArgumentList.Add(a);
        using var child = Process.Start(psi) ?? throw new InvalidOperationException("could not start the echoing process");
        try
        {
            string? line;
            while ((line = await child.StandardOutput.ReadLineAsync(cancel)) is not null && !line.StartsWith(EchoLinePrefix, StringComparison.Ordinal)) { }
            if (line is null) throw new InvalidOperationException("the echoing process ended before it said where it listens");
            using var socket = await listener.AcceptSocketAsync(cancel);
            socket.NoDelay = true;
            using var system = System("bench-remote");
            var serializer = system.Serialization.FindSerializerForType(typeof(EventBatch));
            var echo = await system.ActorSelection($"{line[EchoLinePrefix.Length..]}/user/echo").ResolveOne(TimeSpan.FromSeconds(10), cancel);
            Console.WriteLine("channel     message  bytes   rounds  median_us  p99_us   mean_us");
            foreach (var (name, batch) in new[] { ("small", Batch(0)), ("large", Batch(events)) })
            {
                var bytes = serializer.ToBinary(batch).Length;
                Print("akka.remote", name, bytes, await AkkaRoundTrips(system, echo, batch, rounds));
                Print("tcp-nodelay", name, bytes, TcpRoundTrips(socket, (SerializerWithStringManifest)serializer, batch, rounds));
            }
            return ExitCodes.Ok;
        }
        finally
        {
            if (!child.HasExited) child.Kill();
        }
    }

    private static void Print(string channel, string name, int bytes, double[] micros)
    {
        Array.Sort(micros);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{channel,-11} {name,-7} {bytes,6} {micros.Length,8} {micros[micros.Length / 2],10:0.0} {micros[(int)(micros.Length * 0.99)],7:0.0} {micros.Average(),9:0.0}"));
    }

    /// <summary>Round trips in µs, after as many unmeasured ones to warm up.</summary>
    private static Task<double[]> AkkaRoundTrips(ActorSystem system, IActorRef echo, EventBatch batch, int rounds)
    {
        var done = new TaskCompletionSource<double[]>();
        system.ActorOf(Props.Create(() => new Pinger(echo, batch, rounds, done)));
        return done.Task;
    }

    private sealed class Pinger : ReceiveActor
    {
        public Pinger(IActorRef echo, EventBatch batch, int rounds, TaskCompletionSource<double[]> done)
        {
            var micros = new double[rounds];
            var at = -rounds;
            var sent = Stopwatch.GetTimestamp();
            Receive<EventBatch>(_ =>
            {
                if (at >= 0) micros[at] = Stopwatch.GetElapsedTime(sent).TotalMicroseconds;
                if (++at == rounds)
                {
                    done.SetResult(micros);
                    Context.Stop(Self);
                    return;
                }
                sent = Stopwatch.GetTimestamp();
                echo.Tell(batch);
            });
            echo.Tell(batch);
        }
    }

    /// <summary>The same over the socket: a length-prefixed frame, serialized and deserialized at each end as Akka would.</summary>
    private static double[] TcpRoundTrips(Socket socket, SerializerWithStringManifest serializer, EventBatch batch, int rounds)
    {
        var micros = new double[rounds];
        for (var i = -rounds; i < rounds; i++)
        {
            var sent = Stopwatch.GetTimestamp();
            WriteFrame(socket, serializer.ToBinary(batch));
            _ = (EventBatch)serializer.FromBinary(ReadFrame(socket), "EB");
            if (i >= 0) micros[i] = Stopwatch.GetElapsedTime(sent).TotalMicroseconds;
        }
        return micros;
    }

    private static async Task<int> Echo(int port, CancellationToken cancel)
    {
        using var system = System("bench-remote-echo");
        system.ActorOf(Props.Create(() => new Echoer()), "echo");
        var address = ((ExtendedActorSystem)system).Provider.DefaultAddress;
        var serializer = (SerializerWithStringManifest)system.Serialization.FindSerializerForType(typeof(EventBatch));
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port, cancel);
        Console.WriteLine($"{EchoLinePrefix}{address}");
        // Ends when the measuring process closes the socket (or dies).
        await Task.Run(() =>
        {
            try
            {
                while (true) WriteFrame(socket, serializer.ToBinary(serializer.FromBinary(ReadFrame(socket), "EB")));
            }
            catch (Exception ex) when (ex is SocketException or EndOfStreamException) { }
        }, cancel);
        return ExitCodes.Ok;
    }

    private sealed class Echoer : ReceiveActor
    {
        public Echoer() => Receive<EventBatch>(b => Sender.Tell(b));
    }

    private static void WriteFrame(Socket socket, byte[] bytes)
    {
        var frame = new byte[4 + bytes.Length];
        BitConverter.TryWriteBytes(frame, bytes.Length);
        bytes.CopyTo(frame, 4);
        socket.Send(frame);
    }

    private static byte[] ReadFrame(Socket socket)
    {
        var header = new byte[4];
        ReadExactly(socket, header);
        var bytes = new byte[BitConverter.ToInt32(header)];
        ReadExactly(socket, bytes);
        return bytes;
    }

    private static void ReadExactly(Socket socket, byte[] buffer)
    {
        for (var at = 0; at < buffer.Length;)
        {
            var n = socket.Receive(buffer, at, buffer.Length - at, SocketFlags.None);
            if (n == 0) throw new EndOfStreamException();
            at += n;
        }
    }
}
