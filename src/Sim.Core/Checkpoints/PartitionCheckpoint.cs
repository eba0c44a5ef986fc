using System.IO.Compression;
using DcSim.SimCore.Kernel;

namespace DcSim.SimCore.Checkpoints;

/// <summary>
/// The state of one partition at a window barrier — its LPs with every component's state, its event heap (the events other
/// partitions sent it for the next window included), random streams and statistics — as bytes, and back.
/// </summary>
/// <remarks>
/// Taken between windows only, when nothing of the partition is on the stack: the graph from the <see cref="Partition"/>
/// holds all of it (events are values; components reach each other through their LP). Compressed with Brotli at its fastest
/// level: event slabs and idle state compress several-fold, and a checkpoint crosses the network and goes to the journal.
/// Restored only by the build that wrote it (the type table carries each module's version id).
/// </remarks>
public static class PartitionCheckpoint
{
    private static readonly byte[] Magic = "DCSIMCP1"u8.ToArray();

    public static byte[] Save(Partition partition) => Save(partition, out _);

    /// <summary>As <see cref="Save(Partition)"/>; <paramref name="stats"/> says how big the state was before compression.</summary>
    public static byte[] Save(Partition partition, out CheckpointSize stats)
    {
        using var output = new MemoryStream();
        output.Write(Magic);
        var raw = new CountingStream();
        int objects;
        using (var brotli = new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            raw.Inner = brotli;
            objects = ObjectGraphWriter.Write(partition, raw);
        }
        var bytes = output.ToArray();
        stats = new CheckpointSize(partition.LocalProcesses.Count(), objects, raw.Length, bytes.Length);
        return bytes;
    }

    public static Partition Restore(byte[] checkpoint)
    {
        if (checkpoint.Length < Magic.Length || !checkpoint.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new CheckpointException("not a DcSim partition checkpoint (its header is missing)");
        using var input = new BrotliStream(new MemoryStream(checkpoint, Magic.Length, checkpoint.Length - Magic.Length), CompressionMode.Decompress);
        try
        {
            return ObjectGraphReader.Read(input) as Partition ?? throw new CheckpointException("the checkpoint does not hold a partition");
        }
        catch (InvalidDataException ex)
        {
            throw new CheckpointException($"the checkpoint is damaged: {ex.Message}", ex);
        }
    }

    /// <summary>Counts what goes through to the compressor.</summary>
    private sealed class CountingStream : Stream
    {
        public Stream Inner { get; set; } = Null;
        public override long Length => _length;
        private long _length;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() => Inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _length += buffer.Length;
            Inner.Write(buffer);
        }

        public override void WriteByte(byte value)
        {
            _length++;
            Inner.WriteByte(value);
        }
    }
}

/// <summary>What a partition's checkpoint held: LPs, objects, bytes before and after compression.</summary>
public readonly record struct CheckpointSize(int Lps, int Objects, long StateBytes, long CompressedBytes);
