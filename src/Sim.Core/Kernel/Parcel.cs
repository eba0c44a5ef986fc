namespace DcSim.SimCore.Kernel;

/// <summary>
/// Bytes sent to LP <paramref name="Lp"/> under <paramref name="Key"/>, a key the model chooses, unique per receiving LP while the
/// parcel waits there: state too large or too irregular for an event's packet (a guest moving to another server, serialized), sent
/// with the events of a window (<see cref="LogicalProcess.SendParcel"/>).
/// </summary>
public readonly record struct Parcel(int Lp, long Key, byte[] Bytes);

/// <summary>
/// The parcels that have reached a partition's LPs and wait to be taken, sorted by (LP, key): the partition's state is then the
/// same whatever order they arrived in, and in however many messages (a checkpoint's bytes included). Parcels are rare (a handful
/// per run): a sorted list is all they need.
/// </summary>
internal sealed class PendingParcels
{
    private readonly List<Parcel> _items = [];

    /// <summary>Keeps <paramref name="parcel"/>; false if its LP already has one under its key.</summary>
    public bool TryAdd(Parcel parcel)
    {
        var at = Find(parcel.Lp, parcel.Key);
        if (at >= 0) return false;
        _items.Insert(~at, parcel);
        return true;
    }

    public byte[]? Take(int lp, long key)
    {
        var at = Find(lp, key);
        if (at < 0) return null;
        var bytes = _items[at].Bytes;
        _items.RemoveAt(at);
        return bytes;
    }

    /// <summary>The index of (lp, key), or the complement of where it would go.</summary>
    private int Find(int lp, long key)
    {
        int lo = 0, hi = _items.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = (_items[mid].Lp, _items[mid].Key).CompareTo((lp, key));
            if (c == 0) return mid;
            if (c < 0) lo = mid + 1;
            else hi = mid - 1;
        }
        return ~lo;
    }
}
