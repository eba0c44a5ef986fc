using DcSim.ActorsNetwork.Links;
using DcSim.ActorsNetwork.Tests.Bridges;
using DcSim.SimCore.Components;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.ActorsNetwork.Tests.Links;

/// <summary>
/// A host kernel's <see cref="EndpointRouter"/>: the uplink on port 0, the host stack (endpoints 5 and 6) on port 1, a
/// container (endpoint 7) on port 2.
/// </summary>
public sealed class EndpointRouterSpec
{
    private const long Us = SimTime.Microsecond;
    private const string NotForMe = "host7:kernel";

    private static Packet To(long flow, int destination) => new() { FlowId = flow, PayloadBytes = 100, DestinationEndpoint = destination };

    [Fact]
    public void Router_must_deliver_by_destination_endpoint_and_drop_what_is_not_for_it()
    {
        // arrange
        var partition = new Partition(0, 1, [0]);
        var lp = new ComponentLp(0, "host7");
        var router = lp.Add(new EndpointRouter("host7/kernel", NotForMe));
        var uplink = lp.Add(new Station("host7/nic0"));
        var stack = lp.Add(new Station("host7/stack"));
        var container = lp.Add(new Station("host7/c-0"));
        lp.Connect(uplink, 0, router, EndpointRouter.UplinkPort);
        Assert.Equal(1, router.AddPort([5, 6]));
        Assert.Equal(2, router.AddPort([7]));
        lp.Connect(stack, 0, router, 1);
        lp.Connect(container, 0, router, 2);
        partition.Add(lp);

        // inbound for 6 and 7, and one for 9 (a flooded copy); from the stack to the container and out; from the container to the stack
        uplink.SendAt(1 * Us, To(1, 6));
        uplink.SendAt(2 * Us, To(2, 7));
        uplink.SendAt(3 * Us, To(3, 9));
        stack.SendAt(4 * Us, To(4, 7));
        stack.SendAt(5 * Us, To(5, 42));
        container.SendAt(6 * Us, To(6, 5));

        // act
        partition.Start();
        partition.RunUntil(SimTime.Millisecond);
        var results = partition.Report(SimTime.Millisecond);

        // assert: each at once, to its owner
        Assert.Equal([(1 * Us, 1L), (6 * Us, 6L)], stack.Received.Select(r => (r.Time, r.Frame.FlowId)));
        Assert.Equal([(2 * Us, 2L), (4 * Us, 4L)], container.Received.Select(r => (r.Time, r.Frame.FlowId)));
        Assert.Equal([(5 * Us, 5L)], uplink.Received.Select(r => (r.Time, r.Frame.FlowId)));
        Assert.Equal(1, results.Flows[3].DropsAt[NotForMe]);
        var c = results.Components["host7/kernel"];
        Assert.Equal((2, 1, 2, 1), (c["inbound"], c["outbound"], c["local"], c["not_for_me"]));
    }

    [Fact]
    public void Router_must_refuse_an_endpoint_owned_twice()
    {
        var router = new EndpointRouter("host7/kernel", NotForMe);
        router.AddPort([5]);
        Assert.Throws<ArgumentException>(() => router.AddPort([5]));
    }
}
