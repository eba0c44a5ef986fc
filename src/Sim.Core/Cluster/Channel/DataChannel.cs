using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;

namespace DcSim.SimCore.Cluster.Channel;

/// <summary>
/// A process's data channel for peer windows (docs/kernel.md, "Windows across processes"): it listens on the host Akka remoting binds to
/// (a free port; <see cref="Endpoint"/>, which the partitions' <see cref="WindowProtocol.PartitionReady"/> carry to the directory), reads
/// the frames other processes' <see cref="PeerLink"/>s send on a thread per connection and hands each to the local partition actor it is
/// for (<see cref="FrameHandoff"/>), which stays the only owner of its partition's state. It holds this process's links to the others, one per process, reused across
/// runs. Akka.Cluster keeps membership, placement and failure detection; the coordinator's protocol stays on Akka.
/// </summary>
public sealed class DataChannel : IDisposable
{
    private readonly ILoggingAdapter _log;
    private readonly Socket _listener;
    private readonly ConcurrentDictionary<int, FrameHandoff> _partitions = new();
    private readonly ConcurrentDictionary<string, PeerLink> _links = new();
    private readonly ConcurrentDictionary<Socket, bool> _accepted = new();

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

    /// <summary>"address:port" where this process's partitions are reached.</summary>
    public string Endpoint { get; }

    /// <summary>Frames for partition <paramref name="index"/> go to <paramref name="partition"/> (the actor that holds it in this process now), through the handoff returned.</summary>
    internal FrameHandoff Register(int index, IActorRef partition) => _partitions[index] = new FrameHandoff(partition);

    /// <summary>The link to the process at <paramref name="endpoint"/>, made (and connecting) when first asked for.</summary>
    internal PeerLink Link(string endpoint) => _links.GetOrAdd(endpoint, e => new PeerLink(e, _log));

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
            _accepted[connection] = true;
            new Thread(() => Read(connection)) { IsBackground = true, Name = "dcsim data channel reader" }.Start();
        }
    }

    /// <summary>Hands every frame of one connection to its partition; a frame for a partition not here (moved, or never built) is dropped.</summary>
    private void Read(Socket connection)
    {
        try
        {
            using var stream = new BufferedStream(new NetworkStream(connection, ownsSocket: false), 64 * 1024);
            var frames = new Frames.Reader(stream);
            while (frames.Next() is var (to, message))
            {
                if (_partitions.TryGetValue(to, out var partition)) partition.Post(message);
            }
        }
        catch (Exception ex)
        {
            // The thread's top: whatever a connection sends (a stray client on the port, a frame that does not decode), only that
            // connection ends, never the process.
            _log.Warning("data channel: a connection from {0} ended: {1}", RemoteOf(connection), ex.Message);
        }
        finally
        {
            _accepted.TryRemove(connection, out _);
            connection.Dispose();
        }
    }

    private static string RemoteOf(Socket connection)
    {
        try
        {
            return connection.RemoteEndPoint?.ToString() ?? "?";
        }
        catch (ObjectDisposedException)
        {
            return "?";
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        foreach (var link in _links.Values) link.Dispose();
        foreach (var connection in _accepted.Keys) connection.Dispose();
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
