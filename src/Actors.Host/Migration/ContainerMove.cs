using DcSim.SimCore.Units;

namespace DcSim.ActorsHost.Migration;

/// <summary>How a container on a server's own kernel moves (docs/migration.md, "Containers").</summary>
public enum ContainerMoveMethod
{
    /// <summary>Stopped at the source and started anew on the destination: its connections are gone, its applications start over.</summary>
    Restart,
    /// <summary>CRIU: frozen, its memory dumped, sent and restored on the destination, its TCP connections kept (tcp-established).</summary>
    Criu,
}

/// <summary>
/// What moving a container takes besides its runtime's start-up (<see cref="Virtualization.RuntimeProfile"/>): the method, and for
/// CRIU its memory and the rates of the dump and the restore. The CRIU downtime is freeze + dump + transfer + restore, where the
/// transfer is the image crossing the simulated network and the restore includes the runtime's network-namespace set-up.
/// </summary>
/// <param name="MemoryBytes">The container's memory: the image CRIU dumps, sends and restores.</param>
/// <param name="FreezePs">The cgroup freezer stopping the container's processes before the dump.</param>
public sealed record ContainerMove(ContainerMoveMethod Method, long MemoryBytes, long FreezePs, long DumpBytesPerSecond, long RestoreBytesPerSecond)
{
    /// <summary>Dumping the memory into the image: memory ÷ dump rate, rounded up to the picosecond.</summary>
    public long DumpPs => Duration(MemoryBytes, DumpBytesPerSecond);

    /// <summary>Restoring on the destination: the namespace set-up, then the memory ÷ restore rate, rounded up.</summary>
    public long RestorePs(long netnsSetupPs) => netnsSetupPs + Duration(MemoryBytes, RestoreBytesPerSecond);

    private static long Duration(long bytes, long bytesPerSecond) => (long)(((Int128)bytes * SimTime.Second + bytesPerSecond - 1) / bytesPerSecond);
}
