namespace DcSim.SimCore.Metrics;

/// <summary>
/// Writes names the way <see cref="ResultsCodec"/> version 9 does: the first time a name comes, its number (the next one) and
/// the name; after that only its number.
/// </summary>
internal sealed class NameWriter(BinaryWriter w)
{
    private readonly Dictionary<string, int> _numbers = new(StringComparer.Ordinal);

    public void Write(string name)
    {
        if (_numbers.TryGetValue(name, out var known))
        {
            w.Write7BitEncodedInt(known);
            return;
        }
        w.Write7BitEncodedInt(_numbers.Count);
        w.Write(name);
        _numbers.Add(name, _numbers.Count);
    }
}

/// <summary>
/// Reads the names, counts and counter values <see cref="NameWriter"/> wrote (version 9), or, for version 8, the names written
/// in full and fixed-size numbers. Each name is one string however many components carry it.
/// </summary>
internal sealed class NameReader(BinaryReader r, bool numbered)
{
    private readonly List<string> _names = [];

    public string Read()
    {
        if (!numbered) return r.ReadString();
        var number = r.Read7BitEncodedInt();
        if (number < _names.Count) return _names[number];
        if (number != _names.Count) throw new InvalidDataException($"results name {number} comes before name {_names.Count}");
        var name = r.ReadString();
        _names.Add(name);
        return name;
    }

    /// <summary>The number of counters of a component.</summary>
    public int Count() => numbered ? r.Read7BitEncodedInt() : r.ReadInt32();

    /// <summary>A counter's value.</summary>
    public long Value() => numbered ? r.Read7BitEncodedInt64() : r.ReadInt64();
}
