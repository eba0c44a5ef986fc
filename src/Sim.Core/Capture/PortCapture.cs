using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.SimCore.Capture;

/// <summary>
/// The frames one output port has started to transmit, kept as the packets themselves with their start times, up to a limit;
/// turned into pcap records once, at the end of the run. Plain arrays of values: a checkpoint copies them with the port, so a run
/// rolled back to a checkpoint captures again from there, as it counts again.
/// </summary>
public sealed class PortCapture(int limit)
{
    private Packet[] _packets = new Packet[64];
    private long[] _times = new long[64];
    private int _count;
    private long _seen;

    /// <summary>A frame starts transmission at <paramref name="time"/>: kept while under the limit, always counted.</summary>
    public void Add(long time, in Packet packet)
    {
        _seen++;
        if (_count == limit) return;
        if (_count == _packets.Length)
        {
            var size = (int)Math.Min((long)_count * 2, limit);
            Array.Resize(ref _packets, size);
            Array.Resize(ref _times, size);
        }
        _packets[_count] = packet;
        _times[_count] = time;
        _count++;
    }

    /// <summary>The pcap records (without the file's header) of the frames kept, in transmission order.</summary>
    public CapturedFrames Frames()
    {
        var buffer = new byte[PcapFile.RecordHeaderBytes + PcapFrame.SnapLength];
        using var records = new MemoryStream();
        for (var i = 0; i < _count; i++)
        {
            var length = PcapFile.WriteRecord(_times[i], in _packets[i], buffer);
            records.Write(buffer, 0, length);
        }
        return new CapturedFrames(_seen, _count, records.ToArray());
    }
}
