using DcSim.ActorsNetwork.Bridges;
using DcSim.SimCore.Units;
using Xunit;
using static DcSim.ActorsNetwork.Tests.Bridges.BridgeRig;

namespace DcSim.ActorsNetwork.Tests.Bridges;

/// <summary>A bridge whose port 3 is its uplink (<see cref="LinuxBridge.UnknownUnicastPort"/> = 3), stations on ports 0-3.</summary>
public sealed class UnknownUnicastPortSpec
{
    private const long Us = SimTime.Microsecond;

    [Fact]
    public void Unknown_unicast_must_go_to_the_uplink_only_while_known_stations_and_broadcast_are_unchanged()
    {
        // arrange: station 1 announces itself; station 0 writes to it, to an unknown MAC 9, and broadcasts
        var rig = new BridgeRig();
        rig.Bridge.UnknownUnicastPort = 3;
        rig.Stations[1].SendAt(0, Frame(1, Mac(1), MacAddress.Broadcast));
        rig.Stations[0].SendAt(10 * Us, Frame(2, Mac(0), Mac(1)));
        rig.Stations[0].SendAt(20 * Us, Frame(3, Mac(0), Mac(9)));
        rig.Stations[0].SendAt(30 * Us, Frame(4, Mac(0), MacAddress.Broadcast));

        // act
        rig.Run(SimTime.Millisecond);

        // assert: 3 reached the uplink alone instead of a flood; both broadcasts reached every other port
        Assert.Equal([1L], rig.FlowsAt(0));
        Assert.Equal([2L, 4L], rig.FlowsAt(1));
        Assert.Equal([1L, 4L], rig.FlowsAt(2));
        Assert.Equal([1L, 3L, 4L], rig.FlowsAt(3));
        // two broadcasts of three outputs each make two extra copies apiece
        var c = rig.Counters;
        Assert.Equal((2, 2, 4), (c["forwarded"], c["flooded"], c["flood_copies"]));
    }

    [Fact]
    public void Unknown_unicast_from_the_uplink_must_not_go_back_to_it()
    {
        // arrange: a remote station behind the uplink writes to a MAC no local station has
        var rig = new BridgeRig();
        rig.Bridge.UnknownUnicastPort = 3;
        rig.Stations[3].SendAt(0, Frame(1, Mac(20), Mac(9)));

        // act
        var results = rig.Run(SimTime.Millisecond);

        // assert: not flooded to the local stations, and dropped as a frame for the port it came from
        Assert.All(rig.Stations, s => Assert.Empty(s.Received));
        Assert.Equal(1, results.Flows[1].DropsAt[DropLocation]);
        Assert.Equal((0, 1), (rig.Counters["flooded"], rig.Counters["drops_same_port"]));
    }
}
