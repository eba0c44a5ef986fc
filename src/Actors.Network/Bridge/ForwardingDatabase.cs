using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DcSim.ActorsNetwork.Bridges;

/// <summary>What learning a frame's source address did to the forwarding database.</summary>
public enum FdbLearnOutcome
{
    /// <summary>The address was known on this port; its age restarts.</summary>
    Refreshed,
    /// <summary>A new entry.</summary>
    Learned,
    /// <summary>The address was known on another port (the station moved); it now points here.</summary>
    Moved,
    /// <summary>The table holds <see cref="BridgeSettings.MaxLearned"/> entries: the address is not learned.</summary>
    Full,
    /// <summary>Learning is off (ageing time 0).</summary>
    Off,
}

/// <summary>
/// A Linux bridge's forwarding database (net/bridge/br_fdb.c): MAC address → port, with the time the address was
/// last seen as a source.
/// </summary>
/// <remarks>
/// An entry is expired once <c>now ≥ last seen + ageing time</c> (Linux's <c>has_expired</c>). Expired entries are
/// never used: <see cref="Lookup"/> ignores them and <see cref="Learn"/> replaces them, which is exactly what an
/// instantly precise garbage collector would give. They are removed by <see cref="Purge"/>, which the bridge runs
/// on Linux's schedule (<c>br_fdb_cleanup</c>: at the next expiry, at least 10 ms apart), so that the table holds
/// only what was seen within about one ageing time. When the table is full, <see cref="Learn"/> purges first if an
/// entry may have expired, so an expired entry never keeps a live station out.
/// Unlike OVS's MAC learning (<see cref="OpenFlow.MacLearningTable"/>, which evicts the oldest entry when full), a
/// full Linux table refuses new addresses, and there is no VLAN (a VLAN-filtering bridge is not modelled).
/// Cost: learning and lookup are one hash probe; a purge walks the table, which happens about once per ageing time.
/// </remarks>
public sealed class ForwardingDatabase(BridgeSettings settings)
{
    private struct Entry
    {
        public int Port;
        public long SeenAt;
    }

    private readonly Dictionary<ulong, Entry> _entries = new();
    private readonly long _ageing = settings.AgeingTimePs;
    private readonly int _max = settings.MaxLearned;
    // No entry expires before this time (a lower bound: refreshes only move expiries later).
    private long _earliestExpiry = long.MaxValue;

    /// <summary>Entries held, expired ones not yet purged included.</summary>
    public int Count => _entries.Count;

    /// <summary>Entries removed because they expired.</summary>
    public long Aged { get; private set; }

    /// <summary>Learns that <paramref name="mac"/> sends from <paramref name="port"/> at <paramref name="now"/>.</summary>
    public FdbLearnOutcome Learn(ulong mac, int port, long now)
    {
        if (_ageing == 0) return FdbLearnOutcome.Off;
        ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_entries, mac);
        if (!Unsafe.IsNullRef(ref entry))
        {
            if (now - entry.SeenAt < _ageing)
            {
                var moved = entry.Port != port;
                entry.Port = port;
                entry.SeenAt = now;
                return moved ? FdbLearnOutcome.Moved : FdbLearnOutcome.Refreshed;
            }
            _entries.Remove(mac);
            Aged++;
        }
        if (_max > 0 && _entries.Count >= _max)
        {
            if (now >= _earliestExpiry) Purge(now);
            if (_entries.Count >= _max) return FdbLearnOutcome.Full;
        }
        _entries.Add(mac, new Entry { Port = port, SeenAt = now });
        _earliestExpiry = Math.Min(_earliestExpiry, now + _ageing);
        return FdbLearnOutcome.Learned;
    }

    /// <summary>The port <paramref name="mac"/> was last seen on, or -1 if it is unknown or its entry has expired.</summary>
    public int Lookup(ulong mac, long now) =>
        _entries.TryGetValue(mac, out var entry) && now - entry.SeenAt < _ageing ? entry.Port : -1;

    /// <summary>Removes the entries expired at <paramref name="now"/>; returns when the next one expires (<see cref="long.MaxValue"/>: none left).</summary>
    public long Purge(long now)
    {
        var next = long.MaxValue;
        // Removing the current entry while enumerating a Dictionary is allowed; the result does not depend on the order.
        foreach (var (mac, entry) in _entries)
        {
            var expiry = entry.SeenAt + _ageing;
            if (expiry <= now)
            {
                _entries.Remove(mac);
                Aged++;
            }
            else next = Math.Min(next, expiry);
        }
        _earliestExpiry = next;
        return next;
    }
}
