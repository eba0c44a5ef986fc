namespace DcSim.ActorsNetwork.FlowCache;

/// <summary>
/// The Linux datapath's per-CPU mask cache (flow_table.c, 256 entries by default): the packet's hash
/// remembers which mask matched last time, so a repeat packet probes that mask first. Each hash
/// selects 4 candidate slots (8 bits of the hash each); a slot remembers a (hash, mask index) pair.
/// </summary>
public sealed class MaskCache(int entries = 256)
{
    private const int Segments = 4;
    private readonly uint[] _hashes = new uint[Math.Max(entries, 1)];
    private readonly int[] _masks = Enumerable.Repeat(-1, Math.Max(entries, 1)).ToArray();

    public bool Enabled => entries > 0;

    /// <summary>The cached mask index for this hash, or -1.</summary>
    public int Get(uint hash)
    {
        if (!Enabled) return -1;
        var h = hash;
        for (var s = 0; s < Segments; s++, h >>= 8)
        {
            var slot = (int)(h % (uint)_hashes.Length);
            if (_hashes[slot] == hash && _masks[slot] >= 0) return _masks[slot];
        }
        return -1;
    }

    /// <summary>Remembers the mask that matched; replaces the first candidate slot (as the kernel does on a miss).</summary>
    public void Set(uint hash, int maskIndex)
    {
        if (!Enabled) return;
        var h = hash;
        var victim = (int)(h % (uint)_hashes.Length);
        for (var s = 0; s < Segments; s++, h >>= 8)
        {
            var slot = (int)(h % (uint)_hashes.Length);
            if (_hashes[slot] == hash) { victim = slot; break; }
        }
        _hashes[victim] = hash;
        _masks[victim] = maskIndex;
    }

    /// <summary>Mask indices shift when a mask is removed: forget everything (the kernel does the same on mask-array changes).</summary>
    public void Invalidate() => Array.Fill(_masks, -1);
}
