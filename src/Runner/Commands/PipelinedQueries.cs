using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DcSim.Runner.Commands;

/// <summary>What an open loop of queries got: counts, and each answered query's latency.</summary>
internal sealed class QueryLoad
{
    public long Sent, Answered, Refused, Skipped, Outstanding;
    public List<double> LatenciesMs { get; } = [];

    public void Refuse(int count)
    {
        lock (this) Refused += count;
        Interlocked.Add(ref Outstanding, -count);
    }

    public void Answer(bool ok, long sentAt)
    {
        lock (this)
        {
            if (!ok) Refused++;
            else
            {
                Answered++;
                LatenciesMs.Add(Stopwatch.GetElapsedTime(sentAt).TotalMilliseconds);
            }
        }
        Interlocked.Decrement(ref Outstanding);
    }
}

/// <summary>
/// One kept-alive HTTP/1.1 connection on which the load of `dcsim bench-queries` writes GET requests ahead of their answers
/// (pipelined: Kestrel answers them in order), as bytes built beforehand, and reads back only each answer's status and length. The
/// load shares the machine with the service it measures, so it must cost far less per query than HttpClient does.
/// </summary>
internal sealed class PipelinedQueries : IDisposable
{
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] ContentLength = "\r\nContent-Length: "u8.ToArray();
    /// <summary>The last chunk of a chunked body, searched from the header's last line break so that an empty body matches too.</summary>
    private static readonly byte[] LastChunk = "\r\n0\r\n\r\n"u8.ToArray();

    private readonly Socket _socket;
    private readonly QueryLoad _load;
    /// <summary>When each request not answered yet was sent (Stopwatch ticks), in the order the answers come.</summary>
    private readonly Queue<long> _sentAt = new();
    private bool _broken;

    private PipelinedQueries(Socket socket, QueryLoad load)
    {
        _socket = socket;
        _load = load;
        Reading = Task.Run(Read);
    }

    /// <summary>Ends when the connection closes; every request still unanswered then is counted as refused.</summary>
    public Task Reading { get; }

    public static async Task<PipelinedQueries> Open(Uri service, QueryLoad load)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new DnsEndPoint(service.Host, service.Port));
        return new PipelinedQueries(socket, load);
    }

    /// <summary>The GET request for <paramref name="path"/> as this connection sends it.</summary>
    public static byte[] Request(Uri service, string path) => Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {service.Authority}\r\n\r\n");

    /// <summary>Writes <paramref name="count"/> requests, concatenated in <paramref name="requests"/>.</summary>
    public async Task Send(ReadOnlyMemory<byte> requests, int count)
    {
        Interlocked.Add(ref _load.Outstanding, count);
        lock (_sentAt)
        {
            if (_broken)
            {
                _load.Refuse(count);
                return;
            }
            var now = Stopwatch.GetTimestamp();
            for (var i = 0; i < count; i++) _sentAt.Enqueue(now);
        }
        try
        {
            await _socket.SendAsync(requests, SocketFlags.None);
        }
        catch (SocketException)
        {
            Break();
        }
    }

    private async Task Read()
    {
        var buffer = new byte[64 * 1024];
        int start = 0, end = 0;
        while (true)
        {
            while (TryParse(buffer.AsSpan(start, end - start), out var length, out var ok))
            {
                start += length;
                long sentAt;
                lock (_sentAt) sentAt = _sentAt.Dequeue();
                _load.Answer(ok, sentAt);
            }
            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            (end, start) = (end - start, 0);
            if (end == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            int read;
            try
            {
                read = await _socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                read = 0;
            }
            if (read == 0)
            {
                Break();
                return;
            }
            end += read;
        }
    }

    /// <summary>A whole answer at the start of <paramref name="data"/>: its length, and whether its status is 2xx.</summary>
    internal static bool TryParse(ReadOnlySpan<byte> data, out int length, out bool ok)
    {
        (length, ok) = (0, false);
        var headerEnd = data.IndexOf(HeaderEnd);
        if (headerEnd < 0) return false;
        ok = data.Length > 9 && data[9] == (byte)'2';   // "HTTP/1.1 200 OK"
        var header = data[..headerEnd];
        var at = header.IndexOf(ContentLength);
        if (at >= 0)
        {
            Utf8Parser.TryParse(header[(at + ContentLength.Length)..], out int bodyLength, out _);
            length = headerEnd + HeaderEnd.Length + bodyLength;
            return data.Length >= length;
        }
        var last = data[(headerEnd + 2)..].IndexOf(LastChunk);
        if (last < 0) return false;
        length = headerEnd + 2 + last + LastChunk.Length;
        return true;
    }

    private void Break()
    {
        lock (_sentAt)
        {
            _broken = true;
            _load.Refuse(_sentAt.Count);
            _sentAt.Clear();
        }
    }

    public void Dispose() => _socket.Dispose();
}
