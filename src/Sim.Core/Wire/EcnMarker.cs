using DcSim.SimCore.Randomness;
using DcSim.SimCore.Units;

namespace DcSim.SimCore.Wire;

/// <summary>What an output queue does to an arriving packet before its tail-drop check.</summary>
public enum EcnVerdict : byte { Pass, Mark, Drop }

/// <summary>
/// The marking state of one output queue (<see cref="EcnMarking"/>), asked once per arriving packet with the
/// queue as it stands before that packet joins it: the packets and frame bytes waiting behind the one in
/// transmission (the convention of <see cref="QueueLimit"/>; a packet that finds the port idle sees 0).
/// </summary>
/// <remarks>
/// An <see cref="OutputPort"/> with marking off has no marker at all, so tail drop pays one null check per packet.
/// </remarks>
public abstract class EcnMarker
{
    /// <summary>A marker for <paramref name="ecn"/>, or null when marking is off.</summary>
    /// <param name="seed">Scenario seed; with the owner's LP id and the port index it seeds RED's own random stream.</param>
    public static EcnMarker? Create(EcnMarking ecn, QueueLimitUnit unit, DataRate rate, ulong seed, int ownerLp, int portIndex) =>
        ecn.Mode switch
        {
            EcnMode.Off => null,
            EcnMode.Threshold => new ThresholdMarker(unit, ecn.Threshold),
            _ => new RedMarker(unit, ecn.Red ?? throw new ArgumentException("mode red needs RED's parameters", nameof(ecn)), rate,
                RandomStreams.Create(seed, ownerLp, $"red-{portIndex}")),
        };

    /// <param name="emptySince">When the queue last became empty (meaningful when <paramref name="queuedPackets"/> is 0).</param>
    /// <param name="capable">Whether the packet is ECN-capable (ECT(0), ECT(1) or CE).</param>
    public abstract EcnVerdict OnArrival(long queuedPackets, long queuedBytes, long emptySince, long now, bool capable);
}

/// <summary>DCTCP's instantaneous-queue marking: CE when the queue is at or above K; never an early drop.</summary>
public sealed class ThresholdMarker(QueueLimitUnit unit, long threshold) : EcnMarker
{
    private readonly bool _bytes = unit == QueueLimitUnit.Bytes;

    public override EcnVerdict OnArrival(long queuedPackets, long queuedBytes, long emptySince, long now, bool capable) =>
        capable && (_bytes ? queuedBytes : queuedPackets) >= threshold ? EcnVerdict.Mark : EcnVerdict.Pass;
}

/// <summary>
/// Classic RED (Floyd and Jacobson, "Random Early Detection Gateways for Congestion Avoidance", 1993, §4), marking
/// ECN-capable packets and dropping the others.
/// </summary>
/// <remarks>
/// On each arrival the average becomes avg + w (q - avg); the first arrival after the queue emptied instead decays it
/// by (1 - w)^m, m being the idle time over the transmission time of a typical packet (a full 1500 B MTU frame here,
/// an assumption; ns-3's RedQueueDisc uses its MeanPktSize attribute). Between the thresholds the base probability
/// p_b = max_p (avg - min) / (max - min) is spread by the count of packets since the last mark, p_a = p_b / (1 - count p_b),
/// so that marks come at roughly even intervals; at or above max every packet is marked or dropped (ECN-capable
/// packets are marked there too, as ns-3 does with UseHardDrop = false). In a byte queue avg counts bytes and
/// the probability is per packet, whatever its size (Floyd's byte mode is left out).
/// </remarks>
public sealed class RedMarker : EcnMarker
{
    private const int MtuBytes = 1500;

    private readonly bool _bytes;
    private readonly RedParameters _p;
    private readonly double _typicalTransmitPs;
    private readonly Rng _rng;
    private double _average;
    private long _count = -1;
    private long _lastArrival = -1;

    public RedMarker(QueueLimitUnit unit, RedParameters parameters, DataRate rate, Rng rng)
    {
        _bytes = unit == QueueLimitUnit.Bytes;
        _p = parameters;
        _typicalTransmitPs = rate.TransmitTime(MtuBytes + Ethernet.HeaderAndFcsBytes + Ethernet.PreambleAndGapBytes);
        _rng = rng;
    }

    /// <summary>The average queue after the last arrival, in the queue's unit.</summary>
    public double Average => _average;

    public override EcnVerdict OnArrival(long queuedPackets, long queuedBytes, long emptySince, long now, bool capable)
    {
        var q = _bytes ? queuedBytes : queuedPackets;
        if (queuedPackets == 0 && emptySince > _lastArrival)
            _average *= Math.Pow(1 - _p.Weight, (now - emptySince) / _typicalTransmitPs);
        else
            _average += _p.Weight * (q - _average);
        _lastArrival = now;
        if (_average < _p.Min)
        {
            _count = -1;
            return EcnVerdict.Pass;
        }
        _count++;
        if (_average < _p.Max)
        {
            var pb = _p.MaxProbability * (_average - _p.Min) / (_p.Max - _p.Min);
            var rest = 1 - _count * pb;
            if (rest > 0 && _rng.NextDouble() * rest >= pb) return EcnVerdict.Pass;
        }
        _count = 0;
        return capable ? EcnVerdict.Mark : EcnVerdict.Drop;
    }
}
