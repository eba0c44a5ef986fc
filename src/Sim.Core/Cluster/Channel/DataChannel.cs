using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;

namespace DcSim.SimCore.Cluster.Channel;

/// <summary>
/// A process's data channel for peer windows (docs/kernel.md, "Windows across processes"): it listens on the host Akka remoting binds to
/// (a free port; <see cref="Endpoint"/>, which the partitions' <see cref="WindowProtocol.PartitionReady"/> carry to the directory) and
/// hands every frame other processes' <see cref="PeerLink"/>s send to the local partition actor it is for (<see cref="FrameHandoff"/>),
/// which stays the only owner of its partition's state. It holds this process's links to the others, one per process, reused across
/// runs. Akka.Cluster keeps membership, placement and failure detection; the coordinator's protocol stays on Akka.
/// </summary>
/// <remarks>
/// Who reads a connection: while a partition here runs its windows (<see cref="EnterHot"/>), the partition's own thread, when it waits for its
/// peers' words (<see cref="Pump"/>, <see cref="WaitForFrames"/>): the frame a peer sends is in the socket when the partition looks, and no
/// other thread is woken to carry it (a wake-up per crossing was most of a window's cost across processes). Otherwise each connection's
/// reader thread reads it; it sleeps while a partition here is hot, so at most one of its wake-ups falls in a stretch.
/// </remarks>
public sealed class DataChannel : IDisposable
{
    private readonly ILoggingAdapter _log;
    private readonly Socket _listener;
    private readonly ConcurrentDictionary<int, FrameHandoff> _partitions = new();
    private readonly ConcurrentDictionary<string, PeerLink> _links = new();
    /// <summary>The connections open to this process, replaced whole when one comes or goes (partitions read it without a lock).</summary>
    private Inbound[] _inbound = [];
    private readonly Lock _change = new();
    /// <summary>How many partitions here run windows now; the readers sleep on <see cref="_cold"/> while any does.</summary>
    private int _hot;
    private readonly ManualResetEventSlim _cold = new(true, spinCount: 1);
    private volatile bool _disposed;

    public DataChannel(string host, ILoggingAdapter log, TimeSpan wait = default)
    {
        _log = log;
        WaitTicks = (long)(wait.TotalSeconds * Stopwatch.Frequency);
        var address = IPAddress.TryParse(host, out var literal) ? literal
            : Dns.GetHostAddresses(host).OrderBy(a => a.AddressFamily != AddressFamily.InterNetwork).First();
        _listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(address, 0));
        _listener.Listen();
        var port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        Endpoint = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";
        new Thread(Accept) { IsBackground = true, Name = "dcsim data channel accept" }.Start();
    }

    /// <summary>How long (<see cref="Stopwatch"/> ticks) a partition waits for its peers' frames on its own thread (<see cref="DataChannelSettings.WaitKey"/>).</summary>
    public long WaitTicks { get; }

    /// <summary>
    /// How long a waiting partition polls the connections before it blocks on them, while its peers' words came within it the window
    /// before: a peer that finishes its window within this saves the wake-up (on an idle machine most do). Measured under load
    /// (docs/benchmarks.md, "the partition reads its sockets"), polling 1 ms was the slowest and 10 µs the fastest: a peer that is late
    /// has lost its core, and polling then only keeps it from getting one back.
    /// </summary>
    public static readonly long SpinTicks = Stopwatch.Frequency / 20_000;   // 50 µs

    /// <summary>How long a partition polls after a window whose words came later than <see cref="SpinTicks"/> (the peer is being preempted).</summary>
    public static readonly long ShortSpinTicks = Stopwatch.Frequency / 200_000;   // 5 µs

    /// <summary>
    /// How long bytes may wait on a connection no partition reads while one is hot before its reader takes them. A hot partition reads
    /// while it waits (for its peers' words, or for a write to go), but one that stops looking for a while (a long window, a run it left
    /// for a park) must not leave a peer blocked writing to this process: that peer's partition could not finish its window, and two
    /// processes writing more than their buffers hold to each other would hang until the write's limit lost a frame. Long against a
    /// window (a wake-up per connection this often costs nothing), short against a run.
    /// </summary>
    private static readonly TimeSpan StarvedWait = TimeSpan.FromMilliseconds(20);

    /// <summary>"address:port" where this process's partitions are reached.</summary>
    public string Endpoint { get; }

    /// <summary>Frames for partition <paramref name="index"/> go to <paramref name="partition"/> (the actor that holds it in this process now), through the handoff returned.</summary>
    internal FrameHandoff Register(int index, IActorRef partition) => _partitions[index] = new FrameHandoff(partition);

    /// <summary>The link to the process at <paramref name="endpoint"/>, made (and connecting) when first asked for.</summary>
    internal PeerLink Link(string endpoint) => _links.GetOrAdd(endpoint, e => new PeerLink(e, _log, PumpUntilWritable));

    /// <summary>
    /// A partition here starts running windows (until it calls <see cref="LeaveHot"/>): it reads the connections itself while it waits,
    /// and the readers sleep.
    /// </summary>
    internal void EnterHot()
    {
        lock (_change)
        {
            if (_hot++ == 0) _cold.Reset();
        }
    }

    internal void LeaveHot()
    {
        lock (_change)
        {
            if (--_hot == 0) _cold.Set();
        }
    }

    /// <summary>Reads what every connection holds now (one another thread is reading is skipped), handing out its frames.</summary>
    internal void Pump()
    {
        foreach (var inbound in Volatile.Read(ref _inbound)) inbound.Drain();
    }

    /// <summary>
    /// For a write the peer's full buffers hold up: reads every connection, then blocks until <paramref name="writing"/> takes bytes again
    /// or a connection has bytes to read (a millisecond at most). Waking on either keeps two processes blocked writing to each other
    /// moving in step, each reading what the other sends as soon as it lands.
    /// </summary>
    internal void PumpUntilWritable(Socket writing)
    {
        Pump();
        var reads = Volatile.Read(ref _inbound).Where(i => !i.Ended).Select(i => i.Socket).ToList();
        var writes = new List<Socket> { writing };
        try
        {
            Socket.Select(reads, writes, null, 1_000);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // A connection closing as it is polled: the next drain sees it ended; the write sees its own socket's error.
        }
    }

    /// <summary>
    /// Blocks until a connection has bytes to read, at most about <paramref name="microseconds"/> (rounded up to whole milliseconds, the
    /// system's poll); the kernel wakes this very thread when a peer's frame lands. Without a connection open it sleeps a millisecond.
    /// </summary>
    internal void WaitForFrames(long microseconds)
    {
        var inbound = Volatile.Read(ref _inbound);
        var live = inbound.Count(i => !i.Ended);
        var wait = (int)Math.Clamp((microseconds + 999) / 1000, 1, 1000) * 1000;
        try
        {
            if (live == 0) Thread.Sleep(1);
            else if (inbound.Length == 1) inbound[0].Socket.Poll(wait, SelectMode.SelectRead);
            else Socket.Select(inbound.Where(i => !i.Ended).Select(i => i.Socket).ToList(), null, null, wait);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // A connection closing as it is polled: the next drain sees it ended.
        }
    }

    private void Deliver(int to, object message)
    {
        if (_partitions.TryGetValue(to, out var partition)) partition.Post(message);
    }

    private void Accept()
    {
        while (true)
        {
            Socket connection;
            try
            {
                connection = _listener.Accept();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;   // the listener is closed: the actor system terminates
            }
            connection.NoDelay = true;
            connection.Blocking = false;
            var inbound = new Inbound(connection, Deliver, _log);
            lock (_change) _inbound = [.. _inbound, inbound];
            new Thread(() => Read(inbound)) { IsBackground = true, Name = "dcsim data channel reader" }.Start();
        }
    }

    /// <summary>
    /// Reads one connection while no partition here is hot, until it ends; a frame for a partition not here (moved, or never built) is
    /// dropped. While one is hot it reads a connection only if bytes wait there that no partition looked at for a whole
    /// <see cref="StarvedWait"/>.
    /// </summary>
    private void Read(Inbound inbound)
    {
        try
        {
            var looks = inbound.Looks;
            while (!inbound.Ended && !_disposed)
            {
                if (_cold.Wait(StarvedWait))
                {
                    if (inbound.Socket.Poll(100_000, SelectMode.SelectRead)) inbound.Drain(wait: true);
                }
                else if (inbound.Looks == looks && inbound.Socket.Poll(0, SelectMode.SelectRead)) inbound.Drain(wait: true);
                looks = inbound.Looks;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // closed as it was polled: it ends
        }
        finally
        {
            inbound.Dispose();
            lock (_change) _inbound = [.. _inbound.Where(i => i != inbound)];
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _listener.Dispose();
        foreach (var link in _links.Values) link.Dispose();
        foreach (var inbound in Volatile.Read(ref _inbound)) inbound.Dispose();
        _cold.Set();
    }
}

/// <summary>The actor system's <see cref="DataChannel"/>, started with the first partition actor: none under the akka setting or without remoting.</summary>
public sealed class DataChannelExtension : IExtension
{
    public DataChannelExtension(ExtendedActorSystem system)
    {
        if (DataChannelSettings.Read(system.Settings.Config) != DataChannelKind.Socket || system.Provider.DefaultAddress.Host is not { } host) return;
        Channel = new DataChannel(host, Logging.GetLogger(system, "dcsim-data-channel"), DataChannelSettings.ReadWait(system.Settings.Config));
        system.RegisterOnTermination(Channel.Dispose);
    }

    public DataChannel? Channel { get; }

    public static DataChannel? For(ActorSystem system) => system.WithExtension<DataChannelExtension, DataChannelExtensionId>().Channel;
}

public sealed class DataChannelExtensionId : ExtensionIdProvider<DataChannelExtension>
{
    public override DataChannelExtension CreateExtension(ExtendedActorSystem system) => new(system);
}
