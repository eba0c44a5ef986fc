using System.Buffers.Binary;
using System.Text;
using DcSim.SimCore.Kernel;
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
        using var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true);
        Write(w, to, message, EventsOf(message));
    }

    /// <summary>The events a channel message carries itself.</summary>
    public static SimEvent[] EventsOf(object message) => message switch { PeerWindow m => m.Events, EventBatch m => m.Events, _ => [] };

    /// <summary>
    /// Appends to <paramref name="w"/>'s stream (a <see cref="MemoryStream"/>) the frame of <paramref name="message"/> for partition
    /// <paramref name="to"/>, with <paramref name="events"/> as its events in place of the message's own: a partition sends the events
    /// from the outbox list it reuses, copying them nowhere else (a window's copies were most of what a crossing allocated).
    /// </summary>
    public static void Write(BinaryWriter w, int to, object message, ReadOnlySpan<SimEvent> events)
    {
        var buffer = w.BaseStream;
        var start = buffer.Position;
        w.Write(0);
        w.Write(to);
        switch (message)
        {
            case PeerWindow m: w.Write(WindowKind); DcSimSerializer.WritePeerWindow(w, m, events); break;
            case EventBatch m: w.Write(BatchKind); DcSimSerializer.WriteEventBatch(w, m, events); break;
            default: throw new ArgumentException($"{message.GetType()} does not go over the data channel", nameof(message));
        }
        var end = buffer.Position;
        buffer.Position = start;
        w.Write(checked((int)(end - start - sizeof(int))));
        buffer.Position = end;
    }

    /// <summary>
    /// Cuts frames out of one connection's bytes, however its reads cut them: a reader writes what it received into <see cref="Free"/>,
    /// says how much (<see cref="Wrote"/>), then takes every whole frame (<see cref="Next"/>).
    /// </summary>
    internal sealed class Parser
    {
        private byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        /// <summary>Bytes of a frame not yet whole: a connection that ends now ends inside a frame.</summary>
        public bool Partial => _end > _start;

        /// <summary>Where the next bytes go: room for at least the rest of the frame begun, or a read's worth.</summary>
        public Span<byte> Free()
        {
            var needed = _end - _start >= sizeof(int) ? sizeof(int) + Length(_start) : 0;
            if (_start > 0 && (_start == _end || _buffer.Length - _end < Math.Max(needed - (_end - _start), 4 * 1024)))
            {
                // Move what is left of a frame to the front: a frame is read into one array.
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                (_start, _end) = (0, _end - _start);
            }
            if (_buffer.Length < needed) Array.Resize(ref _buffer, Math.Max(needed, 2 * _buffer.Length));
            return _buffer.AsSpan(_end);
        }

        public void Wrote(int count) => _end += count;

        /// <summary>The next whole frame received, or null until its bytes are all here.</summary>
        public (int To, object Message)? Next()
        {
            if (_end - _start < sizeof(int)) return null;
            var length = Length(_start);
            if (_end - _start < sizeof(int) + length) return null;
            using var r = new BinaryReader(new MemoryStream(_buffer, _start + sizeof(int), length, writable: false));
            _start += sizeof(int) + length;
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

        private int Length(int at)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(at));
            return length is < sizeof(int) + 1 or > MaxBytes ? throw new InvalidDataException($"a data channel frame of {length} bytes: the stream is broken") : length;
        }
    }
}
