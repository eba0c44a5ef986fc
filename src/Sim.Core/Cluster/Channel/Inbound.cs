using System.Net.Sockets;
using Akka.Event;

namespace DcSim.SimCore.Cluster.Channel;

/// <summary>
/// One connection another process's <see cref="PeerLink"/> made to this process's <see cref="DataChannel"/>: its socket (non-blocking) and
/// the frames being cut out of it. Whoever drains it (a partition waiting for its peers on its own thread, or the connection's reader
/// thread while no partition here waits) reads what the socket holds, one at a time, and hands every whole frame to its partition.
/// </summary>
internal sealed class Inbound(Socket socket, Action<int, object> deliver, ILoggingAdapter log) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Frames.Parser _frames = new();
    private volatile bool _ended;
    private long _looks;

    public Socket Socket => socket;

    /// <summary>How many drains have read the socket so far: the reader tells from it whether anyone looked at the connection lately.</summary>
    public long Looks => Interlocked.Read(ref _looks);

    /// <summary>The connection is closed (by its peer, by an error, or by this process): nothing more comes.</summary>
    public bool Ended => _ended;

    /// <summary>
    /// Reads everything the socket holds now and delivers the whole frames; returns at once when another thread is draining it unless
    /// <paramref name="wait"/>. False when nothing was read.
    /// </summary>
    public bool Drain(bool wait = false)
    {
        if (wait) _lock.Enter();
        else if (!_lock.TryEnter()) return false;
        try
        {
            Interlocked.Increment(ref _looks);
            return Read();
        }
        finally
        {
            _lock.Exit();
        }
    }

    private bool Read()
    {
        var any = false;
        try
        {
            while (!_ended)
            {
                var read = socket.Receive(_frames.Free(), SocketFlags.None, out var error);
                if (error == SocketError.WouldBlock) return any;
                if (error != SocketError.Success) throw new SocketException((int)error);
                if (read == 0)
                {
                    if (_frames.Partial) throw new EndOfStreamException("the data channel's connection ended inside a frame");
                    End();
                    return any;
                }
                any = true;
                _frames.Wrote(read);
                while (_frames.Next() is var (to, message)) deliver(to, message);
            }
        }
        catch (Exception ex)
        {
            // The boundary of bytes from the network: whatever a connection sends (a stray client on the port, a frame that does not
            // decode), only that connection ends, never the partition that drained it nor the process.
            if (!_ended) log.Warning("data channel: a connection from {0} ended: {1}", RemoteOf(socket), ex.Message);
            End();
        }
        return any;
    }

    private void End()
    {
        _ended = true;
        socket.Dispose();
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
        _ended = true;
        socket.Dispose();
    }
}
