using DcSim.ActorsNetwork.OpenFlow;

namespace DcSim.ActorsNetwork.Tests.OpenFlow;

/// <summary>The naive reference classifier: scans every rule. The oracle for <see cref="Classifier"/>.</summary>
internal sealed class LinearClassifier
{
    private readonly List<OpenFlowRule> _rules = new();

    public void Insert(OpenFlowRule r) => _rules.Add(r);
    public void Remove(OpenFlowRule r) => _rules.Remove(r);

    /// <summary>All matching rules of the highest priority (more than one only for overlapping equal-priority rules).</summary>
    public IReadOnlyList<OpenFlowRule> Best(in FlowKey packet)
    {
        var best = new List<OpenFlowRule>();
        var pri = int.MinValue;
        foreach (var r in _rules)
        {
            if (!r.Match.Matches(packet)) continue;
            if (r.Priority > pri) { pri = r.Priority; best.Clear(); }
            if (r.Priority == pri) best.Add(r);
        }
        return best;
    }
}

/// <summary>Random rule sets and packets with a fixed seed, covering every field the classifier stages by.</summary>
internal sealed class RandomRules(int seed)
{
    private readonly Random _rng = new(seed);
    private static readonly int[] PrefixLengths = [0, 0, 1, 4, 8, 12, 16, 24, 32];
    private static readonly ushort[] PortMasks = [0, 0xffff, 0xfff0, 0xff00, 0xf000, 0xfc00];
    private readonly List<FlowMatch> _matches = new();

    public OpenFlowRule NextRule()
    {
        var k = new FlowKey();
        var m = new FlowKey();
        if (_rng.Next(5) == 0) { k.Set(FlowField.InPort, (ulong)_rng.Next(1, 4)); m.Exact(FlowField.InPort); }
        if (_rng.Next(8) == 0) { k.SetMasked(FlowField.Metadata, (ulong)_rng.Next(4), 0xff); m.Or(FlowField.Metadata, 0xff); }
        if (_rng.Next(8) == 0) { k.SetMasked(FlowField.VlanTci, (ulong)(0x1000 | _rng.Next(1, 4)), 0x1fff); m.Or(FlowField.VlanTci, 0x1fff); }
        if (_rng.Next(10) == 0) { k.SetMasked(FlowField.DlDst, 0x0100_0000_0000UL, 0x0100_0000_0000UL); m.Or(FlowField.DlDst, 0x0100_0000_0000UL); }
        var kind = _rng.Next(6);
        if (kind > 0)
        {
            k.Set(FlowField.DlType, FlowField.EthTypeIp); m.Exact(FlowField.DlType);
            var proto = kind switch { 1 => (byte)0, 2 or 3 => FlowField.ProtoTcp, 4 => FlowField.ProtoUdp, _ => FlowField.ProtoIcmp };
            if (proto != 0) { k.Set(FlowField.NwProto, proto); m.Exact(FlowField.NwProto); }
            Prefix(ref k, ref m, FlowField.NwSrc);
            Prefix(ref k, ref m, FlowField.NwDst);
            if (_rng.Next(20) == 0) { k.SetMasked(FlowField.NwSrc, Addr(), 0xff00ff00); m.Or(FlowField.NwSrc, 0xff00ff00); }
            if (proto is FlowField.ProtoTcp or FlowField.ProtoUdp)
            {
                Ports(ref k, ref m, FlowField.TpDst);
                if (_rng.Next(3) == 0) Ports(ref k, ref m, FlowField.TpSrc);
            }
        }
        var match = new FlowMatch(k, m);
        _matches.Add(match);
        // Priorities from a small set, so equal priorities and overlaps are common.
        return new OpenFlowRule(0, _rng.Next(1, 40) * 10, match, [new OutputAction((uint)_rng.Next(1, 5))]);
    }

    public FlowKey NextPacket()
    {
        var p = new FlowKey();
        p.Set(FlowField.InPort, (ulong)_rng.Next(1, 4));
        if (_rng.Next(4) == 0) p.Set(FlowField.Metadata, (ulong)_rng.Next(4));
        if (_rng.Next(3) == 0) p.Set(FlowField.VlanTci, (ulong)(0x1000 | _rng.Next(1, 4)));
        p.Set(FlowField.DlDst, (ulong)_rng.NextInt64(0, 1L << 48));
        p.Set(FlowField.DlType, _rng.Next(10) == 0 ? FlowField.EthTypeArp : FlowField.EthTypeIp);
        p.Set(FlowField.NwProto, _rng.Next(4) switch { 0 => FlowField.ProtoTcp, 1 => FlowField.ProtoUdp, 2 => FlowField.ProtoIcmp, _ => 47UL });
        p.Set(FlowField.NwSrc, Addr());
        p.Set(FlowField.NwDst, Addr());
        p.Set(FlowField.TpSrc, (ulong)_rng.Next(65536));
        p.Set(FlowField.TpDst, (ulong)_rng.Next(65536));
        if (_matches.Count > 0 && _rng.Next(2) == 0)
        {
            var m = _matches[_rng.Next(_matches.Count)];
            for (var w = 0; w < FlowKey.WordCount; w++) p[w] = (p[w] & ~m.Mask[w]) | m.Key[w];
        }
        return p;
    }

    /// <summary>A packet equal to <paramref name="p"/> on the bits of <paramref name="mask"/> and random elsewhere.</summary>
    public FlowKey Perturb(in FlowKey p, in FlowKey mask)
    {
        var q = NextPacket();
        for (var w = 0; w < FlowKey.WordCount; w++) q[w] = (p[w] & mask[w]) | (q[w] & ~mask[w]);
        return q;
    }

    private uint Addr() => (uint)_rng.Next(4) switch { 0 => 0x0a000000u, 1 => 0xc0a80000u, 2 => 0xac100000u, _ => (uint)_rng.Next() << 1 } | (uint)_rng.Next(1 << 16);

    private void Prefix(ref FlowKey k, ref FlowKey m, FlowField f)
    {
        var len = PrefixLengths[_rng.Next(PrefixLengths.Length)];
        if (len == 0) return;
        var mask = len == 32 ? uint.MaxValue : uint.MaxValue << (32 - len);
        k.SetMasked(f, Addr(), mask);
        m.Or(f, mask);
    }

    private void Ports(ref FlowKey k, ref FlowKey m, FlowField f)
    {
        var mask = PortMasks[_rng.Next(PortMasks.Length)];
        if (mask == 0) return;
        k.SetMasked(f, (ulong)_rng.Next(65536), mask);
        m.Or(f, mask);
    }
}
