using DcSim.ActorsHost.Servers;

namespace DcSim.ActorsHost.Endpoints;

internal enum LifecycleStep { Create, Running, Stop }

/// <summary>Where an endpoint is in its life, as its counters report it.</summary>
public enum EndpointState { NotCreated = 0, Starting = 1, Running = 2, Stopped = 3 }

/// <summary>A CPU-bound process in a guest: <see cref="SliceCycles"/> of work every <see cref="PeriodPs"/>.</summary>
internal sealed record CpuLoad(long SliceCycles, long PeriodPs);

/// <summary>
/// The life of an endpoint: created at a virtual time, running once its start-up (a VM's boot, a container's start)
/// completes, stopped at a virtual time. A bare-metal host's stack runs from the start. A container inside a VM waits
/// for its VM to be running before its own start begins.
/// </summary>
internal sealed class EndpointLifecycle
{
    private readonly EndpointStartUp? _startUp;
    private bool _kernelUp;
    private bool _waitingForKernel;
    private long _createdAt = -1, _runningAt = -1, _stoppedAt = -1;

    /// <param name="startUp">Given the time the start-up begins, when the endpoint runs; null: running from the start.</param>
    public EndpointLifecycle(long createAt, long stopAt, EndpointStartUp? startUp, bool waitsForKernel, CpuLoad? load)
    {
        CreateAt = createAt;
        StopAt = stopAt;
        _startUp = startUp;
        _kernelUp = !waitsForKernel;
        Load = load;
    }

    public static EndpointLifecycle AlwaysRunning() => new(0, long.MaxValue, null, false, null);

    public long CreateAt { get; }
    public long StopAt { get; }
    public CpuLoad? Load { get; }
    public bool RunsFromStart => _startUp is null;
    public bool IsRunning => RunsFromStart ? _stoppedAt < 0 : _runningAt >= 0 && _stoppedAt < 0;

    private List<EndpointStack>? _guests;

    /// <summary>Endpoints whose kernel this one is (containers in a VM): told when it runs. Made on first use.</summary>
    public List<EndpointStack> Guests => _guests ??= [];

    /// <summary>The guests added so far, without making the list.</summary>
    public IReadOnlyList<EndpointStack> GuestsAdded => (IReadOnlyList<EndpointStack>?)_guests ?? [];

    /// <summary>Time from creation to running (a boot or a container start), or -1 while not started.</summary>
    public long StartupPs => _runningAt >= 0 && _createdAt >= 0 ? _runningAt - _createdAt : RunsFromStart ? 0 : -1;

    public EndpointState StateAt(long now) =>
        _stoppedAt >= 0 ? EndpointState.Stopped
        : IsRunning ? EndpointState.Running
        : _createdAt >= 0 ? EndpointState.Starting
        : EndpointState.NotCreated;

    /// <summary>The endpoint is created; returns when it will run, or null while it waits for its kernel.</summary>
    public long? Create(long now)
    {
        if (!_kernelUp)
        {
            // Not created yet: a container in a VM is created by its VM's runtime once the VM runs.
            _waitingForKernel = true;
            return null;
        }
        _createdAt = now;
        return _startUp!.RunningAt(now);
    }

    /// <summary>Its kernel runs now; returns when a start that waited for it will complete, if one did.</summary>
    public long? KernelStarted(long now)
    {
        _kernelUp = true;
        if (!_waitingForKernel) return null;
        _waitingForKernel = false;
        _createdAt = now;
        return _startUp!.RunningAt(now);
    }

    public void Running(long now) => _runningAt = now;

    public void Stop(long now) => _stoppedAt = now;

    /// <summary>Created again at <paramref name="now"/> (a container restarted on another server): not running until it is running again.</summary>
    public void Restarted(long now) => (_createdAt, _runningAt, _stoppedAt) = (now, -1, -1);
}
