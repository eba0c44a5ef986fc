using System.Collections;

namespace DcSim.ActorsNetwork.Fabric;

/// <summary>
/// A switch's output ports in the order they were added. Not a <c>List&lt;FabricPort&gt;</c>: that is generic code of the runtime over
/// a struct of this assembly, which ReadyToRun cannot precompile, so its methods were JIT-compiled on the way to a run's first window
/// (while the scenario is checked and again while a partition is built); this class is this assembly's own code.
/// </summary>
internal sealed class FabricPortList : IReadOnlyList<FabricPort>
{
    private FabricPort[] _ports = new FabricPort[4];

    public int Count { get; private set; }

    public FabricPort this[int index] => (uint)index < (uint)Count ? _ports[index] : throw new ArgumentOutOfRangeException(nameof(index));

    public void Add(FabricPort port)
    {
        if (Count == _ports.Length)
        {
            var grown = new FabricPort[Count * 2];
            Array.Copy(_ports, grown, Count);
            _ports = grown;
        }
        _ports[Count++] = port;
    }

    public IEnumerator<FabricPort> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return _ports[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
