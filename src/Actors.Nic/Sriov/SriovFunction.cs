using DcSim.SimCore.Metrics;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsNic;

/// <summary>
/// The NIC-side state of one PCIe function (the PF or a VF): its rings, its interrupt moderation, its transmit shaper,
/// its counters and the ledgers of the frames it dropped.
/// </summary>
internal sealed class SriovFunction(string name, ulong mac, ushort portVlan, bool spoofCheck, DataRate? txLimit,
    InterruptCoalescing coalescing, bool postedInterrupts)
{
    /// <summary>"pf", "vf0", ...: the prefix of its counters and drop locations.</summary>
    public string Name { get; } = name;
    public ulong Mac { get; } = mac;
    public ushort PortVlan { get; } = portVlan;
    public bool SpoofCheck { get; } = spoofCheck;
    public DataRate? TxLimit { get; } = txLimit;
    public InterruptCoalescing Coalescing { get; } = coalescing;
    public bool PostedInterrupts { get; } = postedInterrupts;
    public RingDriver? Driver { get; set; }

    /// <summary>Frames DMA'd into the ring (landed) that the driver has not been interrupted for yet.</summary>
    public Queue<Packet> Landed { get; } = new();
    /// <summary>Receive descriptors in use: from a frame's admission to the driver having taken it.</summary>
    public int RxHeld { get; set; }
    /// <summary>When descriptors the driver is still working on become free again.</summary>
    public PriorityQueue<byte, long> Releases { get; } = new();
    /// <summary>Until when the driver is busy with frames it took: frames landing before then join its poll.</summary>
    public long PollingUntil { get; set; }
    public int TxHeld { get; set; }
    public long ShaperFreeAt { get; set; }
    /// <summary>Interrupt generation: a pending coalescing timer whose token is older is stale.</summary>
    public int Generation { get; set; }
    public bool Armed { get; set; }
    /// <summary>False while the VF is hot-unplugged from its guest: frames to and from it are lost at "PATH/vfN:unplugged".</summary>
    public bool Attached { get; set; } = true;

    public long RxPackets, RxBytes, TxPackets, TxBytes, Interrupts, RateDelayed, RateDelayPs;

    private DropLedger? _ringFull, _spoofed, _txRingFull, _unplugged;
    private readonly string _location = name;

    public DropLedger RingFull(string nic) => _ringFull ??= new DropLedger($"{nic}/{_location}:ring-full");
    public DropLedger Spoofed(string nic) => _spoofed ??= new DropLedger($"{nic}/{_location}:spoof");
    public DropLedger TxRingFull(string nic) => _txRingFull ??= new DropLedger($"{nic}/{_location}:tx-ring-full");
    public DropLedger Unplugged(string nic) => _unplugged ??= new DropLedger($"{nic}/{_location}:unplugged");

    /// <summary>Frees the descriptors the driver has finished with by <paramref name="now"/>.</summary>
    public void Release(long now)
    {
        while (Releases.TryPeek(out _, out var at) && at <= now)
        {
            Releases.Dequeue();
            RxHeld--;
        }
    }

    public void Report(ResultsBuilder results)
    {
        _ringFull?.Report(results);
        _spoofed?.Report(results);
        _txRingFull?.Report(results);
        _unplugged?.Report(results);
        foreach (var p in Landed)
        {
            var f = results.Flow(p.FlowId);
            f.InFlightPackets++;
            f.InFlightBytes += p.PayloadBytes;
        }
    }

    public void WriteCounters(ComponentCounters counters)
    {
        counters[$"{Name}_rx_packets"] = RxPackets;
        counters[$"{Name}_rx_bytes"] = RxBytes;
        counters[$"{Name}_tx_packets"] = TxPackets;
        counters[$"{Name}_tx_bytes"] = TxBytes;
        counters[$"{Name}_rx_ring_drops"] = _ringFull?.Packets ?? 0;
        counters[$"{Name}_tx_ring_drops"] = _txRingFull?.Packets ?? 0;
        counters[$"{Name}_spoof_drops"] = _spoofed?.Packets ?? 0;
        counters[$"{Name}_rate_limit_delayed"] = RateDelayed;
        counters[$"{Name}_rate_limit_delay_ps"] = RateDelayPs;
        counters[$"{Name}_interrupts"] = Interrupts;
        // Only a VF that was ever unplugged has the counter, so that runs without hot-plug keep their columns.
        if (_unplugged is not null) counters[$"{Name}_unplug_drops"] = _unplugged.Packets;
    }
}
