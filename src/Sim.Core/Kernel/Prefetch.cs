using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace DcSim.SimCore.Kernel;

/// <summary>
/// Asks the CPU to bring memory into its caches before it is used, where the event loop knows one event ahead what it will
/// touch. On a large fabric much of an event's time is cache misses on the state of the LP it goes to (docs/benchmarks.md,
/// issue 14): a prefetch lets that miss overlap the current event. A hint only: it reads and changes nothing, cannot fault, and
/// does nothing on a CPU without the instruction.
/// </summary>
public static class Prefetch
{
    /// <summary>The first cache line of <paramref name="target"/>'s fields.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Object(object target)
    {
        // The parameter holds the object's address: read it and hand it to the CPU. Should a GC move the object in between, the
        // hint names a stale line and is wasted, never wrong: a prefetch neither faults nor writes.
        if (Sse.IsSupported) Sse.Prefetch0(*(void**)Unsafe.AsPointer(ref target));
    }

    /// <summary>
    /// The first <paramref name="lines"/> cache lines from <paramref name="target"/>'s header, or nothing for null: an object whose
    /// fields a coming event reads past its first line (a host's stack, a flow's counters).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Lines(object? target, int lines)
    {
        if (!Sse.IsSupported || target is null) return;
        // As in Object: a GC moving the object in between makes the hint stale, never wrong.
        var at = *(byte**)Unsafe.AsPointer(ref target);
        for (var line = 0; line < lines; line++) Sse.Prefetch0(at + 64 * line);
    }

    /// <summary>The cache line holding <paramref name="at"/> (an element of an array).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Element<T>(ref T at)
    {
        if (Sse.IsSupported) Sse.Prefetch0(Unsafe.AsPointer(ref at));
    }
}
