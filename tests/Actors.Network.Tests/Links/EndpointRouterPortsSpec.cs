using DcSim.ActorsNetwork.Links;
using DcSim.ActorsNetwork.Tests.Bridges;
using DcSim.SimCore.Components;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.ActorsNetwork.Tests.Links;

/// <summary>
/// A kernel's router hands each packet to the port that owns its destination endpoint — whether it holds a few endpoints
/// (scanned) or many (a dictionary past 8) — and drops what arrives from the uplink for an endpoint it does not hold.
/// </summary>
public sealed class EndpointRouterPortsSpec
{
    private const string DropLocation = "host3/kvm-0:kernel";
    private const int FirstEndpoint = 100;
    private const int Stranger = 999;

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(12)]
    public void Router_must_deliver_to_the_owning_port_and_drop_uplink_frames_for_others_when_holding_n_ports(int ports)
    {
        // arrange: the uplink sends one frame to each owned endpoint, then one to an endpoint the kernel does not hold;
        // local port 1 sends one to the last owned endpoint (stays inside) and one to the stranger (goes up)
        var rig = new Rig(ports);
        for (var i = 0; i < ports; i++) rig.Uplink.SendAt(10 + i, Frame(i, FirstEndpoint + i));
        rig.Uplink.SendAt(100, Frame(50, Stranger));
        rig.Local[0].SendAt(200, Frame(60, FirstEndpoint + ports - 1));
        rig.Local[0].SendAt(300, Frame(70, Stranger));

        // act
        var results = rig.Run(1_000);

        // assert
        for (var i = 0; i < ports - 1; i++) Assert.Equal([i], Flows(rig.Local[i]));
        Assert.Equal([ports - 1, 60], Flows(rig.Local[ports - 1]));
        Assert.Equal([70], Flows(rig.Uplink));
        Assert.Equal(1, results.Flows[50].DropsAt[DropLocation]);
        var counters = results.Components["host3/kvm-0/kernel"].Values;
        Assert.Equal((ports, 1L, 1L, 1L), (counters["inbound"], counters["outbound"], counters["local"], counters["not_for_me"]));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(10)]
    public void AddPort_must_refuse_an_endpoint_another_port_owns_when_holding_n_endpoints(int held)
    {
        // arrange
        var router = new EndpointRouter("host3/kvm-0/kernel", DropLocation);
        for (var i = 0; i < held; i++) router.AddPort([FirstEndpoint + i]);

        // act + assert
        Assert.Throws<ArgumentException>(() => router.AddPort([FirstEndpoint + held - 1]));
    }

    private static long[] Flows(Station s) => s.Received.Select(r => r.Frame.FlowId).ToArray();

    private static Packet Frame(long flow, int destination) => new()
    {
        FlowId = flow, PayloadBytes = 100, FlowHash = (uint)flow, DestinationEndpoint = destination,
        Headers = new PacketHeaders { Protocol = PacketHeaders.Udp },
    };

    /// <summary>A router in one LP: station "uplink" on port 0, station i on the port that owns endpoint 100 + i.</summary>
    private sealed class Rig
    {
        private readonly Partition _partition = new(0, 1, [0]);

        public Rig(int ports)
        {
            var lp = new ComponentLp(0, "host3");
            var router = lp.Add(new EndpointRouter("host3/kvm-0/kernel", DropLocation));
            Uplink = lp.Add(new Station("host3/uplink"));
            lp.Connect(Uplink, 0, router, EndpointRouter.UplinkPort);
            Local = new Station[ports];
            for (var i = 0; i < ports; i++)
            {
                Local[i] = lp.Add(new Station($"host3/local{i}"));
                lp.Connect(Local[i], 0, router, router.AddPort([FirstEndpoint + i]));
            }
            _partition.Add(lp);
        }

        public Station Uplink { get; }
        public Station[] Local { get; }

        public ResultsBuilder Run(long end)
        {
            _partition.Start();
            _partition.RunUntil(end);
            return _partition.Report(end);
        }
    }
}
