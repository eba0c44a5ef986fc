using DcSim.ActorsHost.Endpoints;
using DcSim.ActorsHost.Virtualization;
using DcSim.ActorsNetwork.Links;

namespace DcSim.ActorsHost.Migration;

/// <summary>
/// What it takes to move one container on a server's own kernel: its stack (its sockets, applications and pending work: the part that
/// moves), the macvlan device that joins it to the kernel (left behind: the destination's kernel makes its own), its endpoint and MAC,
/// and its runtime (whose start-up a restart pays).
/// </summary>
internal sealed record ResidentContainer(int Entity, string Name, int Endpoint, ulong Mac, EndpointStack Stack, CpuHop Macvlan, RuntimeProfile Runtime);
