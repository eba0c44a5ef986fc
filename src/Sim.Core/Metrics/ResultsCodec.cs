using System.IO.Compression;

namespace DcSim.SimCore.Metrics;

/// <summary>
/// Compact binary form of <see cref="ResultsBuilder"/>, for partition reports that cross nodes.
/// Histograms travel as their non-empty buckets; decoding rebuilds identical histograms. Captured frames travel compressed
/// (Brotli at its fastest level): they are mostly zero payload and repeated headers, and a partition's report must stay below the
/// remoting frame size.
/// </summary>
/// <remarks>
/// Version 9 writes each name a report repeats (counter names, component kinds, flow kinds, drop locations, link ends) once, the
/// first time, and a number for it after that, and counter values and counts as variable-length numbers: a datacenter reports
/// ~30 counters for each of its thousands of components, and their names were most of its bytes. Version 8, which wrote every
/// name in full, is still read: the experiment service keeps a finished experiment's encoded counters on disk.
/// </remarks>
public static class ResultsCodec
{
    private const int Version = 9;
    private const int NamesInFull = 8;

    public static byte[] Encode(ResultsBuilder r)
    {
        // Sized from the counts (an idle datacenter's links and counters are most of it) so that the stream does not double its
        // buffer a dozen times on the way to several MB.
        using var ms = new MemoryStream(EstimatedBytes(r));
        using (var w = new BinaryWriter(ms))
        {
            var names = new NameWriter(w);
            w.Write(Version);
            w.Write(r.Flows.Count);
            foreach (var f in r.Flows.Values) WriteFlow(w, names, f);
            w.Write(r.Links.Count);
            foreach (var l in r.Links.Values) WriteLink(w, names, l);
            w.Write(r.EventsByLp.Count);
            foreach (var (name, n) in r.EventsByLp) { w.Write(name); w.Write(n); }
            w.Write(r.Histograms.Count);
            foreach (var (name, family) in r.Histograms)
            {
                w.Write(name);
                w.Write(family.Count);
                foreach (var (key, h) in family) { w.Write(key); WriteHistogram(w, h); }
            }
            w.Write(r.Components.Count);
            foreach (var c in r.Components.Values) WriteCounters(w, names, c);
            w.Write(r.Series.Count);
            foreach (var (name, points) in r.Series)
            {
                w.Write(name);
                w.Write(points.Count);
                foreach (var (time, value) in points) { w.Write(time); w.Write(value); }
            }
            w.Write(r.Captures.Count);
            foreach (var (port, frames) in r.Captures) WriteCapture(w, port, frames);
            w.Write(r.Listings.Count);
            foreach (var (path, listings) in r.Listings) WriteListings(w, path, listings);
        }
        return ms.ToArray();
    }

    private static int EstimatedBytes(ResultsBuilder r) =>
        (int)Math.Min(1L << 30, 256 + 120L * r.Flows.Count + 180L * r.Links.Count + 24L * r.EventsByLp.Count + 64L * r.Components.Count);

    public static ResultsBuilder Decode(byte[] bytes)
    {
        using var r = new BinaryReader(new MemoryStream(bytes));
        var version = r.ReadInt32();
        if (version is not (Version or NamesInFull)) throw new InvalidDataException($"results encoded with version {version}, expected {Version}");
        var names = new NameReader(r, version == Version);
        var results = new ResultsBuilder();
        for (int i = 0, n = r.ReadInt32(); i < n; i++) { var f = ReadFlow(r, names); results.Flows.Add(f.FlowId, f); }
        for (int i = 0, n = r.ReadInt32(); i < n; i++) results.AddLink(ReadLink(r, names));
        for (int i = 0, n = r.ReadInt32(); i < n; i++) results.EventsByLp[r.ReadString()] = r.ReadInt64();
        for (int i = 0, n = r.ReadInt32(); i < n; i++)
        {
            var family = results.Histograms[r.ReadString()] = new SortedDictionary<int, LatencyHistogram>();
            for (int j = 0, m = r.ReadInt32(); j < m; j++) { var key = r.ReadInt32(); family[key] = ReadHistogram(r); }
        }
        for (int i = 0, n = r.ReadInt32(); i < n; i++) ReadCounters(r, names, results);
        for (int i = 0, n = r.ReadInt32(); i < n; i++)
        {
            var points = results.SeriesOf(r.ReadString());
            for (int j = 0, m = r.ReadInt32(); j < m; j++) points.Add((r.ReadInt64(), r.ReadInt64()));
        }
        for (int i = 0, n = r.ReadInt32(); i < n; i++) ReadCapture(r, results);
        for (int i = 0, n = r.ReadInt32(); i < n; i++) ReadListings(r, results);
        return results;
    }

    private static void WriteFlow(BinaryWriter w, NameWriter names, FlowStats f)
    {
        w.Write(f.FlowId); w.Write(f.Source); w.Write(f.Destination); w.Write(f.Generator); names.Write(f.Kind);
        w.Write(f.SentPackets); w.Write(f.SentBytes); w.Write(f.DeliveredPackets); w.Write(f.DeliveredBytes);
        w.Write(f.DroppedPackets); w.Write(f.DroppedBytes); w.Write(f.InFlightPackets); w.Write(f.InFlightBytes); w.Write(f.CopiedPackets);
        w.Write(f.FirstSentAt); w.Write(f.LastDeliveredAt);
        w.Write(f.Latency is not null);
        if (f.Latency is not null) WriteHistogram(w, f.Latency);
        w.Write(f.Drops.Count);
        foreach (var (where, n) in f.Drops) { names.Write(where); w.Write(n); }
    }

    private static FlowStats ReadFlow(BinaryReader r, NameReader names)
    {
        var f = new FlowStats(r.ReadInt64())
        {
            Source = r.ReadInt32(), Destination = r.ReadInt32(), Generator = r.ReadInt32(), Kind = names.Read(),
            SentPackets = r.ReadInt64(), SentBytes = r.ReadInt64(), DeliveredPackets = r.ReadInt64(), DeliveredBytes = r.ReadInt64(),
            DroppedPackets = r.ReadInt64(), DroppedBytes = r.ReadInt64(), InFlightPackets = r.ReadInt64(), InFlightBytes = r.ReadInt64(), CopiedPackets = r.ReadInt64(),
            FirstSentAt = r.ReadInt64(), LastDeliveredAt = r.ReadInt64(),
        };
        if (r.ReadBoolean()) f.Latency = ReadHistogram(r);
        for (int i = 0, n = r.ReadInt32(); i < n; i++) f.DropsAt[names.Read()] = r.ReadInt64();
        return f;
    }

    private static void WriteLink(BinaryWriter w, NameWriter names, LinkStats l)
    {
        names.Write(l.From); names.Write(l.To); w.Write(l.FromLp); w.Write(l.FromPort); w.Write(l.RateBps); w.Write(l.DelayPs);
        w.Write(l.TxPackets); w.Write(l.TxWireBytes); w.Write(l.BusyPs); w.Write(l.DroppedPackets); w.Write(l.DroppedBytes);
        w.Write(l.EarlyDroppedPackets); w.Write(l.EcnMarkedPackets);
        WriteInt128(w, l.QueuePacketPs); WriteInt128(w, l.QueueBytePs); w.Write(l.QueueMaxPackets); w.Write(l.QueueMaxBytes);
        WriteInt128(w, l.WaitSumPs); w.Write(l.WaitCount);
    }

    private static LinkStats ReadLink(BinaryReader r, NameReader names) => new()
    {
        From = names.Read(), To = names.Read(), FromLp = r.ReadInt32(), FromPort = r.ReadInt32(), RateBps = r.ReadInt64(), DelayPs = r.ReadInt64(),
        TxPackets = r.ReadInt64(), TxWireBytes = r.ReadInt64(), BusyPs = r.ReadInt64(), DroppedPackets = r.ReadInt64(), DroppedBytes = r.ReadInt64(),
        EarlyDroppedPackets = r.ReadInt64(), EcnMarkedPackets = r.ReadInt64(),
        QueuePacketPs = ReadInt128(r), QueueBytePs = ReadInt128(r), QueueMaxPackets = r.ReadInt64(), QueueMaxBytes = r.ReadInt64(),
        WaitSumPs = ReadInt128(r), WaitCount = r.ReadInt64(),
    };

    private static void WriteCapture(BinaryWriter w, string port, CapturedFrames frames)
    {
        w.Write(port); w.Write(frames.Seen); w.Write(frames.Captured); w.Write(frames.Records.Length);
        var compressed = new byte[BrotliEncoder.GetMaxCompressedLength(frames.Records.Length)];
        if (!BrotliEncoder.TryCompress(frames.Records, compressed, out var written, quality: 1, window: 22))
            throw new InvalidOperationException($"the capture of {port} could not be compressed");
        w.Write(written);
        w.Write(compressed, 0, written);
    }

    private static void ReadCapture(BinaryReader r, ResultsBuilder results)
    {
        var port = r.ReadString(); var seen = r.ReadInt64(); var captured = r.ReadInt32();
        var records = new byte[r.ReadInt32()];
        var compressed = r.ReadBytes(r.ReadInt32());
        if (!BrotliDecoder.TryDecompress(compressed, records, out var read) || read != records.Length)
            throw new InvalidDataException($"the capture of {port} is damaged");
        results.Captures.Add(port, new CapturedFrames(seen, captured, records));
    }

    private static void WriteCounters(BinaryWriter w, NameWriter names, ComponentCounters c)
    {
        w.Write(c.Path); names.Write(c.Kind); w.Write7BitEncodedInt(c.Values.Count);
        foreach (var (name, v) in c.Values) { names.Write(name); w.Write7BitEncodedInt64(v); }
    }

    private static void WriteListings(BinaryWriter w, string path, SortedDictionary<string, Listing> listings)
    {
        w.Write(path); w.Write(listings.Count);
        foreach (var (name, l) in listings)
        {
            w.Write(name); w.Write(l.AtPs); w.Write(l.Total); w.Write(l.Lines.Count);
            foreach (var line in l.Lines) w.Write(line);
        }
    }

    private static void ReadListings(BinaryReader r, ResultsBuilder results)
    {
        var path = r.ReadString();
        for (int i = 0, n = r.ReadInt32(); i < n; i++)
        {
            var (name, at, total) = (r.ReadString(), r.ReadInt64(), r.ReadInt64());
            var lines = new string[r.ReadInt32()];
            for (var j = 0; j < lines.Length; j++) lines[j] = r.ReadString();
            results.List(path, name, new Listing(at, total, lines));
        }
    }

    private static void ReadCounters(BinaryReader r, NameReader names, ResultsBuilder results)
    {
        // Each path comes once (they were a dictionary's keys): added without looking it up first.
        var path = r.ReadString();
        var c = new ComponentCounters(path, names.Read());
        results.Components.Add(path, c);
        var n = names.Count();
        c.Values.Capacity = n;
        // Written in order, so each lands at the end of the list.
        for (var i = 0; i < n; i++) c.Values.Add(names.Read(), names.Value());
    }

    private static void WriteHistogram(BinaryWriter w, LatencyHistogram h)
    {
        w.Write(h.SignificantDigits); w.Write(h.Count); WriteInt128(w, h.SumPs); w.Write(h.MinPs); w.Write(h.MaxPs);
        var buckets = h.Buckets().ToList();
        w.Write(buckets.Count);
        foreach (var (v, c) in buckets) { w.Write(v); w.Write(c); }
    }

    private static LatencyHistogram ReadHistogram(BinaryReader r)
    {
        var digits = r.ReadInt32(); var count = r.ReadInt64(); var sum = ReadInt128(r); var min = r.ReadInt64(); var max = r.ReadInt64();
        var n = r.ReadInt32();
        var buckets = new (long, long)[n];
        for (var i = 0; i < n; i++) buckets[i] = (r.ReadInt64(), r.ReadInt64());
        return LatencyHistogram.Restore(digits, buckets, count, sum, min, max);
    }

    private static void WriteInt128(BinaryWriter w, Int128 v) { w.Write((ulong)(v >> 64)); w.Write((ulong)v); }

    private static Int128 ReadInt128(BinaryReader r) { var hi = r.ReadUInt64(); var lo = r.ReadUInt64(); return ((Int128)hi << 64) | lo; }
}
