namespace DcSim.ActorsNetwork.Nat;

/// <summary>
/// nf_conntrack's table: entries keyed by both their tuples, a size limit with early drop, lazy expiry at lookup
/// and a garbage collector paced as Linux paces its gc worker.
/// </summary>
/// <remarks>
/// Timeouts follow the kernel's protocol trackers. UDP (nf_conntrack_proto_udp.c): every packet refreshes the
/// entry to the unreplied timeout until a reply has been seen; once it has, a packet more than
/// <see cref="NatSettings.UdpStreamAfter"/> after the entry was created makes it a stream (stream timeout,
/// assured). TCP: the packets carry no flags in DcSim, so the three-way handshake is read from the directions
/// alone — the first packet is the SYN (syn_sent), the first reply the SYN-ACK (syn_recv), the next packet the
/// ACK that makes the connection established and assured; nothing closes it (no FIN/RST), so it lives out its
/// established timeout. Every other protocol is tracked like UDP.
/// A full table admits a new entry only if early drop (nf_conntrack_core.c, early_drop) frees room: it walks
/// <see cref="NatSettings.EvictionRange"/> buckets from the new tuple's bucket and deletes every unassured entry
/// of the first bucket that has one; expired entries it meets are collected, but only a deletion admits the new
/// entry. The collector sweeps the whole table at once (Linux spreads a sweep over 10 ms slices) and sets its next
/// run to the running mean of the entries' remaining lifetimes, biased by 100 pretend entries at the maximum
/// interval, as gc_worker does (kernel commit 2cfadb761d3d "netfilter: conntrack: revisit gc autotuning" and
/// the GC_SCAN_INITIAL_COUNT fix after it). It costs no simulated CPU. Not thread-safe: owned by one LP.
/// </remarks>
public sealed class ConntrackTable
{
    private const int GcInitialCount = 100;

    private readonly NatSettings _settings;
    private readonly Dictionary<ConntrackTuple, ConntrackEntry> _byTuple = new();
    private readonly Dictionary<int, List<ConntrackEntry>> _chains = new();
    private readonly List<ConntrackEntry> _doomed = [];

    public ConntrackTable(NatSettings settings) => _settings = settings.Validated();

    public NatSettings Settings => _settings;

    /// <summary>Entries in the table, expired ones not yet collected included (Linux's nf_conntrack_count).</summary>
    public int Count { get; private set; }

    /// <summary>Entries removed because their timeout passed.</summary>
    public long Expired { get; private set; }

    /// <summary>Unassured entries evicted to admit a new one.</summary>
    public long EarlyDrops { get; private set; }

    /// <summary>
    /// The live entry one of whose tuples is <paramref name="tuple"/>, and whether that is its reply tuple; an
    /// expired entry met here is removed.
    /// </summary>
    public ConntrackEntry? Find(in ConntrackTuple tuple, long now, out bool isReply)
    {
        isReply = false;
        if (!_byTuple.TryGetValue(tuple, out var entry)) return null;
        if (entry.IsExpired(now))
        {
            Expire(entry);
            return null;
        }
        isReply = tuple == entry.Reply;
        return entry;
    }

    /// <summary>Whether a live entry holds <paramref name="tuple"/> (nf_nat_used_tuple); an expired holder is collected.</summary>
    public bool InUse(in ConntrackTuple tuple, long now) => Find(in tuple, now, out _) is not null;

    /// <summary>
    /// Whether a new entry whose original tuple hashes to <paramref name="hash"/> fits: at once if the table has
    /// room, else only if early drop evicts an unassured entry.
    /// </summary>
    public bool MakeRoom(uint hash, long now) => Count < _settings.MaxEntries || EarlyDrop(hash, now);

    /// <summary>Adds a new entry, its timeout started by its first packet.</summary>
    public void Add(ConntrackEntry entry)
    {
        entry.ExpiresAt = entry.CreatedAt + FirstTimeout(entry.Original.Protocol);
        _byTuple.Add(entry.Original, entry);
        _byTuple.Add(entry.Reply, entry);
        Chain(entry.Original).Add(entry);
        Chain(entry.Reply).Add(entry);
        Count++;
    }

    /// <summary>Refreshes an existing entry's timeout for a packet in the original or the reply direction.</summary>
    public void Seen(ConntrackEntry entry, bool reply, long now)
    {
        if (entry.Original.Protocol == SimCore.Wire.PacketHeaders.Tcp) SeenTcp(entry, reply, now);
        else SeenUdp(entry, now);
        // Linux sets IPS_SEEN_REPLY after the protocol tracker ran: the first reply itself still counts as unreplied.
        if (reply) entry.SeenReply = true;
    }

    /// <summary>The garbage collector's sweep: removes every expired entry; returns when it runs next.</summary>
    public long Collect(long now)
    {
        Int128 sum = (Int128)GcInitialCount * _settings.GcIntervalMax;
        var count = GcInitialCount;
        foreach (var (tuple, entry) in _byTuple)
        {
            if (tuple != entry.Original) continue;
            if (entry.IsExpired(now)) _doomed.Add(entry);
            else
            {
                sum += Math.Clamp(entry.ExpiresAt - now, _settings.GcIntervalMin, _settings.GcTimeoutClamp);
                count++;
            }
        }
        foreach (var entry in _doomed) Expire(entry);
        _doomed.Clear();
        return now + Math.Clamp((long)(sum / count), _settings.GcIntervalMin, _settings.GcIntervalMax);
    }

    private void SeenUdp(ConntrackEntry entry, long now)
    {
        if (!entry.SeenReply)
        {
            entry.ExpiresAt = now + _settings.UdpTimeout;
            return;
        }
        var stream = now > entry.CreatedAt + _settings.UdpStreamAfter;
        entry.ExpiresAt = now + (stream ? _settings.UdpStreamTimeout : _settings.UdpTimeout);
        if (stream) entry.Assured = true;
    }

    private void SeenTcp(ConntrackEntry entry, bool reply, long now)
    {
        if (!entry.SeenReply)
        {
            entry.ExpiresAt = now + (reply ? _settings.TcpSynRecvTimeout : _settings.TcpSynSentTimeout);
            return;
        }
        entry.ExpiresAt = now + _settings.TcpEstablishedTimeout;
        entry.Assured = true;
    }

    private long FirstTimeout(byte protocol) =>
        protocol == SimCore.Wire.PacketHeaders.Tcp ? _settings.TcpSynSentTimeout : _settings.UdpTimeout;

    private bool EarlyDrop(uint hash, long now)
    {
        var bucket = Bucket(hash);
        for (var i = 0; i < _settings.EvictionRange; i++, bucket = (bucket + 1) % _settings.Buckets)
        {
            if (!_chains.TryGetValue(bucket, out var chain)) continue;
            var drops = 0;
            foreach (var entry in chain)
            {
                if (_doomed.Contains(entry)) continue;
                if (entry.IsExpired(now) || !entry.Assured) _doomed.Add(entry);
            }
            foreach (var entry in _doomed)
            {
                if (entry.IsExpired(now)) Expire(entry);
                else
                {
                    Remove(entry);
                    EarlyDrops++;
                    drops++;
                }
            }
            _doomed.Clear();
            if (drops > 0) return true;
        }
        return false;
    }

    private void Expire(ConntrackEntry entry)
    {
        Remove(entry);
        Expired++;
    }

    private void Remove(ConntrackEntry entry)
    {
        _byTuple.Remove(entry.Original);
        _byTuple.Remove(entry.Reply);
        Unchain(entry.Original, entry);
        Unchain(entry.Reply, entry);
        Count--;
    }

    private List<ConntrackEntry> Chain(in ConntrackTuple tuple)
    {
        var bucket = Bucket(tuple.Hash());
        if (!_chains.TryGetValue(bucket, out var chain)) _chains[bucket] = chain = [];
        return chain;
    }

    private void Unchain(in ConntrackTuple tuple, ConntrackEntry entry)
    {
        var bucket = Bucket(tuple.Hash());
        var chain = _chains[bucket];
        chain.Remove(entry);
        if (chain.Count == 0) _chains.Remove(bucket);
    }

    /// <summary>The kernel's reciprocal_scale: a 32-bit hash scaled onto the buckets.</summary>
    internal int Bucket(uint hash) => (int)(((ulong)hash * (ulong)_settings.Buckets) >> 32);
}
