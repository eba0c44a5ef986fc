using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;

namespace DcSim.SimCore.Components;

/// <summary>
/// Components taken out of their LP (<see cref="ComponentLp.Detach"/>) on their way to another one: a migrating VM's guest. The wires
/// between them and their pending events (component numbers relative to <see cref="Components"/>) go with them; nothing runs meanwhile.
/// </summary>
public sealed class DetachedComponents(IReadOnlyList<Component> components, IReadOnlyList<(int A, int PortA, int B, int PortB)> wires,
    IReadOnlyList<SimEvent> events, long detachedAt)
{
    /// <summary>When the components left their LP: from then on their time stands still until they are adopted.</summary>
    public long DetachedAt { get; } = detachedAt;

    public IReadOnlyList<Component> Components { get; } = components;
    public IReadOnlyList<(int A, int PortA, int B, int PortB)> Wires { get; } = wires;
    public IReadOnlyList<SimEvent> Events { get; } = events;

    /// <summary>
    /// The end-of-run results of components still on their way: their own (they are in no LP to report them), and the packets held
    /// between them, counted in flight.
    /// </summary>
    public void Report(ResultsBuilder results, long endTime)
    {
        foreach (var c in Components) c.Report(results, endTime);
        foreach (var e in Events)
        {
            if (e.Kind != EventKind.Packet) continue;
            var f = results.Flow(e.Packet.FlowId);
            f.InFlightPackets++;
            f.InFlightBytes += e.Packet.PayloadBytes;
        }
    }
}

/// <summary>What stays in an LP at the index of a component that left it: nothing, so the other components keep their numbers.</summary>
internal sealed class VacantComponent(string path) : Component(path + "#moved")
{
    public override string Kind => "vacant";

    public override void Receive(int port, in Wire.Packet packet) =>
        throw new InvalidOperationException($"{Path}: a packet reached a component that moved away");

    public override void Report(ResultsBuilder results, long endTime) { }

    public override void WriteCounters(ComponentCounters counters, long now) { }
}
