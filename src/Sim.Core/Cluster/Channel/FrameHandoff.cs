using System.Collections.Concurrent;
using Akka.Actor;

namespace DcSim.SimCore.Cluster.Channel;

/// <summary>
/// Where whoever drains a connection (its reader thread, or a partition of this process waiting on its own thread, <see cref="Inbound"/>)
/// leaves the decoded frames for one partition in this process, and how that partition's actor learns of
/// them: while the actor waits for its peers' words on a window (<see cref="Waiting"/>) it takes them straight from here, without a
/// mailbox hop (a thread-pool wake-up per crossing); otherwise the reader tells the actor this handoff, and the actor takes what is here.
/// </summary>
/// <remarks>
/// No frame is stranded: the reader queues a frame before it reads the flag (both interlocked), the actor clears the flag before it
/// takes the queue a last time, so either the reader sees the flag cleared and tells the actor, or the actor's last take finds the frame.
/// A token told for a frame the actor already took finds the queue empty, which is harmless.
/// </remarks>
internal sealed class FrameHandoff(IActorRef partition)
{
    private readonly ConcurrentQueue<object> _frames = new();
    private int _waiting;

    /// <summary>The partition actor the frames are for.</summary>
    public IActorRef Partition => partition;

    /// <summary>The reader's side: a <see cref="WindowProtocol.PeerWindow"/> or an <see cref="WindowProtocol.EventBatch"/> for the partition.</summary>
    public void Post(object frame)
    {
        _frames.Enqueue(frame);
        if (Interlocked.CompareExchange(ref _waiting, 0, 0) == 0) partition.Tell(this, ActorRefs.NoSender);
    }

    /// <summary>The actor's side: the next frame, in the order the reader posted them.</summary>
    public bool TryTake(out object frame) => _frames.TryDequeue(out frame!);

    /// <summary>Set by the actor while it waits on its own thread for frames (the reader then tells it nothing).</summary>
    public bool Waiting
    {
        set => Interlocked.Exchange(ref _waiting, value ? 1 : 0);
    }
}
