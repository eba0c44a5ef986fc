using DcSim.ActorsHost.Tcp;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Migration;

/// <summary>
/// The TCP connection that carries a live migration's memory from the source's hypervisor to the destination's: the host stacks'
/// own traffic, through their vSwitch or bridge, NIC and the fabric, competing with every other flow on the way.
/// </summary>
internal static class MigrationStream
{
    /// <summary>
    /// The destination's listening port: libvirt's first native-migration port (<c>migration_port_min = 49152</c>, qemu.conf);
    /// QEMU itself has no default.
    /// </summary>
    public const ushort Port = 49152;

    /// <summary>The application number in a migration stream's flow ids (FlowIds keep 8 bits for it; generators count from 0).</summary>
    public const int Application = 255;

    /// <summary>The migration a stream's connection carries (either end's flow id).</summary>
    public static int MigrationOf(TcpConnection connection) => (int)FlowIds.Number(FlowIds.Forward(connection.FlowId));
}
