using System.Buffers.Binary;
using System.Text;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.SimCore.Cluster.Channel;

/// <summary>
/// A frame of the data channel: its length (int32, what follows), the receiving partition's index (int32), a kind byte
/// (<see cref="PeerWindow"/> or <see cref="EventBatch"/>) and the message's fields as <see cref="DcSimSerializer"/> writes them;
/// little-endian. The run number is among the fields, so the receiving actor drops a stale run's frames as it drops its messages.
/// </summary>
internal static class Frames
{
    /// <summary>Far above a window's chunk (~1.2 MB, <see cref="PartitionActor.MaxEventsPerBatch"/>): a longer length is a broken stream.</summary>
    public const int MaxBytes = 64 << 20;

    private const byte WindowKind = 1;
    private const byte BatchKind = 2;

    /// <summary>Appends the frame of <paramref name="message"/> for partition <paramref name="to"/> to <paramref name="buffer"/>.</summary>
    public static void Write(MemoryStream buffer, int to, object message)
    {
        var start = buffer.Position;
        using var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true);
        w.Write(0);
        w.Write(to);
        switch (message)
        {
            case PeerWindow m: w.Write(WindowKind); DcSimSerializer.WritePeerWindow(w, m); break;
            case EventBatch m: w.Write(BatchKind); DcSimSerializer.WriteEventBatch(w, m); break;
            default: throw new ArgumentException($"{message.GetType()} does not go over the data channel", nameof(message));
        }
        var end = buffer.Position;
        buffer.Position = start;
        w.Write(checked((int)(end - start - sizeof(int))));
        buffer.Position = end;
    }

    /// <summary>Reads frames off one connection, however its bytes are cut into reads.</summary>
    internal sealed class Reader(Stream stream)
    {
        private byte[] _buffer = new byte[64 * 1024];

        /// <summary>The next frame, or null when the stream ends between frames (a closed connection).</summary>
        public (int To, object Message)? Next()
        {
            Span<byte> header = stackalloc byte[sizeof(int)];
            var got = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            if (got == 0) return null;
            if (got < header.Length) throw new EndOfStreamException("the data channel's connection ended inside a frame's length");
            var length = BinaryPrimitives.ReadInt32LittleEndian(header);
            if (length is < sizeof(int) + 1 or > MaxBytes) throw new InvalidDataException($"a data channel frame of {length} bytes: the stream is broken");
            if (_buffer.Length < length) _buffer = new byte[Math.Max(length, 2 * _buffer.Length)];
            stream.ReadExactly(_buffer, 0, length);
            using var r = new BinaryReader(new MemoryStream(_buffer, 0, length, writable: false));
            var to = r.ReadInt32();
            object message = r.ReadByte() switch
            {
                WindowKind => DcSimSerializer.ReadPeerWindow(r),
                BatchKind => DcSimSerializer.ReadEventBatch(r),
                var kind => throw new InvalidDataException($"a data channel frame of unknown kind {kind}"),
            };
            if (r.BaseStream.Position != length) throw new InvalidDataException($"a data channel frame of {length} bytes held {r.BaseStream.Position}");
            return (to, message);
        }
    }
}
