namespace DcSim.Runner.Hosting;

/// <summary>Puts the <see cref="PointResultChunk"/>s of each attempt back together, in whatever order they come.</summary>
internal sealed class PointResultAssembly
{
    private readonly Dictionary<int, byte[]?[]> _pieces = [];

    /// <summary>The attempt's whole result bytes once this chunk completes them; null while pieces are missing.</summary>
    public byte[]? Add(PointResultChunk chunk)
    {
        if (!_pieces.TryGetValue(chunk.Attempt, out var pieces)) _pieces[chunk.Attempt] = pieces = new byte[]?[chunk.Count];
        pieces[chunk.Index] = chunk.Bytes;
        if (pieces.Any(p => p is null)) return null;
        _pieces.Remove(chunk.Attempt);
        var whole = new byte[pieces.Sum(p => p!.Length)];
        var at = 0;
        foreach (var piece in pieces)
        {
            piece!.CopyTo(whole, at);
            at += piece.Length;
        }
        return whole;
    }
}
