using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Akka.Event;
using DcSim.SimCore.Kernel;

namespace DcSim.SimCore.Cluster.Channel;

/// <summary>
/// This process's connection to another process's <see cref="DataChannel"/>: the frames of every partition here for every partition
/// there, in the order sent. Made when a directory first names the endpoint and kept for later runs.
/// </summary>
/// <remarks>
/// The partition actor writes its frame itself, on its own thread: a window's frames are small and the socket's send buffer takes them
/// at once, so nothing waits in practice, and no hand-over to a writer thread adds a wake-up to every crossing. A write waits only while
/// the peer's buffers are full, and meanwhile reads this process's own connections: the peer's partition, blocked writing to this
/// process as it runs its windows, is the peer's only reader then (<see cref="DataChannel.EnterHot"/>), so two partitions writing large
/// windows to each other cannot deadlock; the readers drain into handoffs without ever waiting on an actor. A peer whose partitions stop
/// reading while hot (a long window, a run left) has its connection's reader take the bytes after a while (<see cref="DataChannel"/>'s
/// starved wait), so a write here always moves. A connection lost loses its frames, as Akka.Remote's at-most-once delivery does:
/// a lost member restarts the run (the coordinator's member-loss path), and a run whose frames vanished otherwise is failed by the
/// coordinator's silence limit; the next frame connects again.
/// </remarks>
internal sealed class PeerLink : IDisposable
{
    /// <summary>How long the first frame waits for a connection still being made (on loopback it is made within a millisecond).</summary>
    private static readonly TimeSpan ConnectWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a write waits for a peer whose buffers stay full: only a process that has stopped reading (frozen, about to be downed)
    /// keeps them full that long, and the partition must not hang on it, but be free to drop the run when the coordinator restarts it.
    /// </summary>
    private const int SendTimeoutMilliseconds = 10_000;

    private readonly string _endpoint;
    private readonly ILoggingAdapter _log;
    /// <summary>Reads this process's own connections until the socket given takes bytes again (<see cref="DataChannel.PumpUntilWritable"/>).</summary>
    private readonly Action<Socket> _whileBlocked;
    /// <summary>The frame being written, reused; also the lock partitions of this process sending to the same process take.</summary>
    private readonly MemoryStream _frame = new();
    private readonly BinaryWriter _writer;
    private Task<Socket> _connecting;
    private Socket? _socket;

    public PeerLink(string endpoint, ILoggingAdapter log, Action<Socket> whileBlocked)
    {
        _endpoint = endpoint;
        _log = log;
        _whileBlocked = whileBlocked;
        _writer = new BinaryWriter(_frame, Encoding.UTF8, leaveOpen: true);
        _connecting = Connect(endpoint);
    }

    private static async Task<Socket> Connect(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, SendBufferSize = 4 << 20 };
        try
        {
            await socket.ConnectAsync(endpoint[..colon].Trim('[', ']'), int.Parse(endpoint[(colon + 1)..], CultureInfo.InvariantCulture));
            socket.Blocking = false;
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends <paramref name="message"/> (a <see cref="WindowProtocol.PeerWindow"/> or an <see cref="WindowProtocol.EventBatch"/>) to partition <paramref name="to"/> there.</summary>
    public void Send(int to, object message) => Send(to, message, Frames.EventsOf(message));

    /// <summary>Sends <paramref name="message"/> with <paramref name="events"/> as its events in place of its own (<see cref="Frames.Write(BinaryWriter, int, object, ReadOnlySpan{SimEvent})"/>).</summary>
    public void Send(int to, object message, ReadOnlySpan<SimEvent> events)
    {
        lock (_frame)
        {
            try
            {
                if (_socket is null)
                {
                    if (!_connecting.Wait(ConnectWait)) throw new TimeoutException($"no connection after {ConnectWait.TotalSeconds:0} s");
                    _socket = _connecting.Result;
                }
                _frame.SetLength(0);
                Frames.Write(_writer, to, message, events);
                Write(_socket, _frame.GetBuffer().AsSpan(0, (int)_frame.Length));
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException or TimeoutException or AggregateException)
            {
                _log.Warning("data channel to {0}: a frame for partition {1} is lost ({2}); the next one connects again", _endpoint, to, ex.GetBaseException().Message);
                _socket?.Dispose();
                _socket = null;
                _connecting = Connect(_endpoint);
            }
        }
    }

    /// <summary>
    /// Writes all of <paramref name="bytes"/>. While the peer's buffers are full this thread reads this process's own connections: the
    /// peer's partition may itself be writing to this process, and while a partition here runs windows nobody else reads them.
    /// </summary>
    private void Write(Socket socket, ReadOnlySpan<byte> bytes)
    {
        // The limit counts from the last byte the peer took, not from the first: a chunk of megabytes on a loaded machine may take
        // seconds in all while it moves steadily, and only a peer that stops reading must fail it.
        var moved = Environment.TickCount64;
        while (bytes.Length > 0)
        {
            var sent = socket.Send(bytes, SocketFlags.None, out var error);
            if (error == SocketError.Success)
            {
                bytes = bytes[sent..];
                moved = Environment.TickCount64;
                continue;
            }
            if (error != SocketError.WouldBlock) throw new SocketException((int)error);
            if (Environment.TickCount64 - moved > SendTimeoutMilliseconds) throw new TimeoutException($"the peer read nothing for {SendTimeoutMilliseconds / 1000} s");
            _whileBlocked(socket);
        }
    }

    public void Dispose()
    {
        lock (_frame) _socket?.Dispose();
    }
}
