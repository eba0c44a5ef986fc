using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.SimCore.Cluster;

/// <summary>
/// What one partition's peers told it, by window (<see cref="PeerWindow"/>s and the <see cref="EventBatch"/>es sent ahead of them):
/// a window is complete once every peer's <see cref="PeerWindow"/> is here with as many batches as it announced, in whatever order they came. A peer may be a
/// window ahead (it had everything for the window this partition still waits for), or start a stretch before the coordinator's
/// release reaches this partition: both wait here under their window.
/// </summary>
internal sealed class PeerInbox(int index, int count)
{
    /// <summary>By window: the events and parcel pieces from every peer, in the order each sent them.</summary>
    private readonly Dictionary<long, List<EventBatch>> _batches = [];
    /// <summary>By window: each peer's <see cref="PeerWindow"/>, by index (this partition's own slot stays empty).</summary>
    private readonly Dictionary<long, PeerWindow?[]> _heads = [];

    public void Add(EventBatch batch)
    {
        if (!_batches.TryGetValue(batch.Window, out var list)) _batches[batch.Window] = list = [];
        list.Add(batch);
    }

    public void Add(PeerWindow peer)
    {
        if (!_heads.TryGetValue(peer.Window, out var heads)) _heads[peer.Window] = heads = new PeerWindow?[count];
        if (heads[peer.From] is not null) throw new InvalidOperationException($"partition {index}: partition {peer.From} told window {peer.Window} twice");
        heads[peer.From] = peer;
        Add(new EventBatch(peer.Run, peer.From, peer.Window, peer.Events, peer.Parcels));
    }

    /// <summary>Every peer's word on <paramref name="window"/> and what they sent, once all of it is here (taken out of the inbox); else null.</summary>
    public (PeerWindow[] Peers, List<EventBatch> Batches)? Take(long window)
    {
        if (count == 1) return ([], []);
        if (!_heads.TryGetValue(window, out var heads)) return null;
        var batches = _batches[window];
        for (var from = 0; from < count; from++)
        {
            if (from == index) continue;
            if (heads[from] is not { } head) return null;
            // A peer's batches travel ahead of its word on the same connection; still, nothing here relies on that order.
            var have = 0;
            foreach (var b in batches) have += b.From == from ? 1 : 0;
            if (have < head.Batches + 1) return null;
            if (have > head.Batches + 1)
                throw new InvalidOperationException($"partition {index}: partition {from} sent {head.Batches + 1} batches for window {window}, {have} arrived");
        }
        _heads.Remove(window);
        _batches.Remove(window);
        var peers = new PeerWindow[count - 1];
        for (int from = 0, at = 0; from < count; from++)
            if (heads[from] is { } head) peers[at++] = head;
        return (peers, batches);
    }

    public void Clear()
    {
        _batches.Clear();
        _heads.Clear();
    }
}
