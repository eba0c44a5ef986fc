using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace DcSim.SimCore.Components;

/// <summary>
/// Starts fetching the lines of a whole object, not only its first (<see cref="Kernel.Prefetch.Object"/>): a host's stack is 168 B and
/// its flows, placement and generators sit past the first line, a flow's counters span three; each line left to a demand load is one
/// more miss per event on a large fabric (docs/benchmarks.md, issue 14 eighth round). A hint only, as the kernel's.
/// </summary>
public static class ComponentPrefetch
{
    // A server's stack spans three lines from its header (184 B with it); the NIC two.
    private const int ComponentLines = 3;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Whole(Component target) => Lines(target, ComponentLines);

    /// <summary>The first <paramref name="lines"/> cache lines from <paramref name="target"/>'s header.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Lines(object? target, int lines)
    {
        if (!Sse.IsSupported || target is null) return;
        // As Prefetch.Object: the parameter holds the object's address; a GC moving it in between makes the hint stale, never wrong.
        var at = *(byte**)Unsafe.AsPointer(ref target);
        for (var line = 0; line < lines; line++) Sse.Prefetch0(at + 64 * line);
    }
}
