namespace DcSim.SimCore.Checkpoints;

/// <summary>
/// Runs the codec on a thread with a large stack: it recurses a few frames per link of a chain of objects (a linked list, an
/// LRU of 8,192 MAC entries), and a default 1 MB stack overflows — which no handler can catch — at about 20,000 links.
/// </summary>
internal static class DeepStack
{
    /// <summary>Reserved address space, committed only as far as it is used: 512 MB holds chains of several hundred thousand objects.</summary>
    private const int StackBytes = 512 << 20;

    public static T Run<T>(Func<T> work)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        }, StackBytes) { Name = "dcsim-checkpoint", IsBackground = true };
        thread.Start();
        thread.Join();
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        return result;
    }
}
