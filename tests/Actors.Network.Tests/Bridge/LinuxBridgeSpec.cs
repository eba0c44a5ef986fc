using DcSim.ActorsNetwork.Bridges;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Units;
using Xunit;
using static DcSim.ActorsNetwork.Tests.Bridges.BridgeRig;

namespace DcSim.ActorsNetwork.Tests.Bridges;

/// <summary>
/// The Linux bridge component, four stations on ports 0-3 unless said otherwise. The oracle is the kernel's behaviour
/// (net/bridge/br_input.c, br_forward.c, br_fdb.c) worked out by hand for each case, and the cycle arithmetic of the
/// cost at a 2 GHz clock (500 ps per cycle).
/// </summary>
public sealed class LinuxBridgeSpec
{
    private const long Us = SimTime.Microsecond;
    private const long FrameDonePs = 1073 * 500;   // 100 B payload: 1000 + ceil(0.5 x 146 B) cycles at 2 GHz

    [Fact]
    public void Bridge_must_flood_an_unknown_unicast_to_every_other_port_and_answer_the_reply_by_unicast_once_learned()
    {
        // arrange: station 0 writes to station 1, which answers; then station 0 writes again
        var rig = new BridgeRig();
        rig.Stations[0].SendAt(0, Frame(1, Mac(0), Mac(1)));
        rig.Stations[1].SendAt(10 * Us, Frame(2, Mac(1), Mac(0)));
        rig.Stations[0].SendAt(20 * Us, Frame(3, Mac(0), Mac(1)));

        // act
        rig.Run(SimTime.Millisecond);

        // assert: the first frame reached stations 1-3 but not its sender; the reply and the next frame went to one port each
        Assert.Equal([2L], rig.FlowsAt(0));
        Assert.Equal([1L, 3L], rig.FlowsAt(1));
        Assert.Equal([1L], rig.FlowsAt(2));
        Assert.Equal([1L], rig.FlowsAt(3));
        // each leaves when the core is done with it: 536.5 ns after it arrived (the core is idle in between)
        Assert.Equal([FrameDonePs, FrameDonePs + 20 * Us], rig.Stations[1].Received.Select(r => r.Time));
        Assert.Equal([FrameDonePs + 10 * Us], rig.Stations[0].Received.Select(r => r.Time));
        var c = rig.Counters;
        Assert.Equal((3, 2, 1, 2, 2, 2), (c["frames"], c["forwarded"], c["flooded"], c["flood_copies"], c["learned"], c["fdb_entries"]));
    }

    [Fact]
    public void Bridge_must_flood_broadcast_and_multicast_even_to_known_stations()
    {
        // arrange: every station is known before station 0 broadcasts and station 2 sends to 01:00:5e:00:00:01
        var rig = new BridgeRig();
        for (var i = 0; i < 4; i++) rig.Stations[i].SendAt(i * Us, Frame(10 + i, Mac(i), Mac((i + 1) % 4)));
        rig.Stations[0].SendAt(10 * Us, Frame(1, Mac(0), MacAddress.Broadcast));
        rig.Stations[2].SendAt(20 * Us, Frame(2, Mac(2), 0x0100_5E00_0001UL));

        // act
        rig.Run(SimTime.Millisecond);

        // assert: the group frames reached every port but the one they came from
        Assert.Equal([2L], rig.FlowsAt(0).Where(f => f < 10));
        Assert.Equal([1L, 2L], rig.FlowsAt(1).Where(f => f < 10));
        Assert.Equal([1L], rig.FlowsAt(2).Where(f => f < 10));
        Assert.Equal([1L, 2L], rig.FlowsAt(3).Where(f => f < 10));
        Assert.Equal(4, rig.Counters["learned"]);
    }

    [Fact]
    public void Bridge_must_forget_a_station_after_the_ageing_time_and_flood_to_it_again()
    {
        // arrange: ageing 1 ms; station 1 is learned at 0; station 0 writes to it 1 ps before and exactly at 1 ms
        var rig = new BridgeRig(settings: new BridgeSettings(SimTime.Millisecond, 0));
        rig.Stations[1].SendAt(0, Frame(1, Mac(1), MacAddress.Broadcast));
        rig.Stations[0].SendAt(SimTime.Millisecond - 1, Frame(2, Mac(0), Mac(1)));
        rig.Stations[0].SendAt(SimTime.Millisecond, Frame(3, Mac(0), Mac(1)));

        // act
        rig.Run(2 * SimTime.Millisecond);

        // assert: frame 2 went to station 1 only, frame 3 was flooded (station 2 sees it)
        Assert.Equal([2L, 3L], rig.FlowsAt(1));
        Assert.Equal([1L, 3L], rig.FlowsAt(2));
        Assert.Equal((1, 2), (rig.Counters["forwarded"], rig.Counters["flooded"]));
    }

    [Fact]
    public void Bridge_must_purge_aged_entries_on_Linux_cleanup_schedule_so_the_table_does_not_keep_them()
    {
        // arrange: ageing 1 ms; stations 0-3 are learned at 0, 100, 200 and 300 us, then fall silent
        var rig = new BridgeRig(settings: new BridgeSettings(SimTime.Millisecond, 0));
        for (var i = 0; i < 4; i++) rig.Stations[i].SendAt(i * 100 * Us, Frame(i, Mac(i), MacAddress.Broadcast));
        rig.Start();

        // act + assert: the first cleanup at 1 ms removes station 0; the next runs 10 ms later (Linux's minimum gap), not at 1.1 ms
        rig.RunUntil(SimTime.Millisecond + 150 * Us);
        Assert.Equal((1, 3), (rig.Counters["aged"], rig.Counters["fdb_entries"]));
        rig.RunUntil(11 * SimTime.Millisecond);
        Assert.Equal((1, 3), (rig.Counters["aged"], rig.Counters["fdb_entries"]));
        rig.RunUntil(11 * SimTime.Millisecond + 1);
        Assert.Equal((4, 0), (rig.Counters["aged"], rig.Counters["fdb_entries"]));
    }

    [Fact]
    public void Bridge_must_not_learn_new_stations_when_the_table_is_full_and_keep_flooding_to_them()
    {
        // arrange: room for two; stations 0, 1, 2 announce themselves, then 0 writes to 2 and 2 answers 0
        var rig = new BridgeRig(settings: new BridgeSettings(BridgeSettings.Linux.AgeingTimePs, 2));
        for (var i = 0; i < 3; i++) rig.Stations[i].SendAt(i * Us, Frame(10 + i, Mac(i), MacAddress.Broadcast));
        rig.Stations[0].SendAt(10 * Us, Frame(1, Mac(0), Mac(2)));
        rig.Stations[2].SendAt(20 * Us, Frame(2, Mac(2), Mac(0)));

        // act
        rig.Run(SimTime.Millisecond);

        // assert: frame 1 was flooded (station 3 sees it), frame 2 went to station 0 only; station 2 was refused twice
        Assert.Equal([1L], rig.FlowsAt(3).Where(f => f < 10));
        Assert.Equal([2L], rig.FlowsAt(0).Where(f => f < 10));
        Assert.DoesNotContain(2L, rig.FlowsAt(1));
        var c = rig.Counters;
        Assert.Equal((2, 2, 2), (c["learned"], c["fdb_full"], c["fdb_entries"]));
    }

    [Fact]
    public void Bridge_must_drop_a_frame_whose_destination_sits_behind_the_port_it_came_in_on()
    {
        // arrange: stations A (MAC 10) and B (MAC 11) both sit behind port 0 (another switch); A announces itself, B writes to A
        var rig = new BridgeRig();
        rig.Stations[0].SendAt(0, Frame(1, Mac(10), MacAddress.Broadcast));
        rig.Stations[0].SendAt(10 * Us, Frame(2, Mac(11), Mac(10)));

        // act
        var results = rig.Run(SimTime.Millisecond);

        // assert: the bridge sent nothing back and nothing elsewhere; the drop is counted against flow 2 at the bridge
        Assert.Empty(rig.FlowsAt(0));
        Assert.Equal([1L], rig.FlowsAt(1));
        Assert.Equal(1, results.Flows[2].DroppedPackets);
        Assert.Equal(1, results.Flows[2].DropsAt[DropLocation]);
        Assert.Equal((1, 1), (rig.Counters["drops_same_port"], rig.Counters["dropped_packets"]));
    }

    [Fact]
    public void Bridge_must_follow_a_station_that_moves_to_another_port()
    {
        // arrange: MAC 0 is first seen on port 0, then on port 2 (a VM migrated); station 1 then writes to it
        var rig = new BridgeRig();
        rig.Stations[0].SendAt(0, Frame(1, Mac(0), MacAddress.Broadcast));
        rig.Stations[2].SendAt(10 * Us, Frame(2, Mac(0), MacAddress.Broadcast));
        rig.Stations[1].SendAt(20 * Us, Frame(3, Mac(1), Mac(0)));

        // act
        rig.Run(SimTime.Millisecond);

        // assert
        Assert.Equal([1L, 3L], rig.FlowsAt(2));
        Assert.Equal([2L], rig.FlowsAt(0));
        Assert.Equal((2, 1, 1), (rig.Counters["learned"], rig.Counters["moved"], rig.Counters["forwarded"]));
    }

    [Fact]
    public void Bridge_must_drop_frames_from_group_or_zero_source_addresses_without_learning_them()
    {
        // arrange
        var rig = new BridgeRig();
        rig.Stations[0].SendAt(0, Frame(1, MacAddress.Broadcast, Mac(1)));
        rig.Stations[0].SendAt(Us, Frame(2, 0x0100_5E00_0001UL, Mac(1)));
        rig.Stations[0].SendAt(2 * Us, Frame(3, 0, Mac(1)));

        // act
        var results = rig.Run(SimTime.Millisecond);

        // assert: nothing went out, nothing learned, no work charged
        Assert.All(rig.Stations, s => Assert.Empty(s.Received));
        Assert.Equal((3, 0, 0), (rig.Counters["drops_invalid_source"], rig.Counters["learned"], rig.Counters["cycles"]));
        Assert.All([1L, 2L, 3L], f => Assert.Equal(1, results.Flows[f].DropsAt[DropLocation]));
    }

    [Fact]
    public void Bridge_must_flood_every_unicast_when_the_ageing_time_is_zero()
    {
        // arrange: Linux's "some users want to always flood"
        var rig = new BridgeRig(settings: new BridgeSettings(0, 0));
        rig.Stations[1].SendAt(0, Frame(1, Mac(1), Mac(0)));
        rig.Stations[0].SendAt(10 * Us, Frame(2, Mac(0), Mac(1)));

        // act
        rig.Run(SimTime.Millisecond);

        // assert
        Assert.Equal([1L, 2L], rig.FlowsAt(2));
        Assert.Equal((0, 0, 2), (rig.Counters["learned"], rig.Counters["fdb_entries"], rig.Counters["flooded"]));
    }

    [Fact]
    public void Frames_must_leave_when_the_core_has_done_their_work_queued_in_arrival_order()
    {
        // arrange: one core at 2 GHz; two broadcasts arrive together, 100 B and 1000 B of payload
        // 100 B:  146 B frame, 1000 + 73 = 1073 cycles = 536,500 ps
        // 1000 B: 1046 B frame, 1000 + 523 = 1523 cycles = 761,500 ps, queued behind the first: done at 1,298,000 ps
        var rig = new BridgeRig();
        rig.Stations[0].SendAt(0, Frame(1, Mac(0), MacAddress.Broadcast));
        rig.Stations[1].SendAt(0, Frame(2, Mac(1), MacAddress.Broadcast, payloadBytes: 1000));

        // act
        rig.Run(SimTime.Millisecond);

        // assert
        Assert.Equal([(536_500L, 1L), (1_298_000L, 2L)], rig.Stations[2].Received.Select(r => (r.Time, r.Frame.FlowId)));
        Assert.Equal([(536_500L, 1L), (1_298_000L, 2L)], rig.Stations[3].Received.Select(r => (r.Time, r.Frame.FlowId)));
        Assert.Equal(2596, rig.Counters["cycles"]);
        Assert.Equal(2596, rig.Cpu.CyclesIn(CpuCategory.HostKernel));
    }

    [Fact]
    public void A_bridge_in_a_guest_must_charge_guest_kernel_time_on_the_core_its_flow_hash_picks()
    {
        // arrange: two vCPU-like cores; flows 2 and 3 hash to cores 0 and 1, so neither waits for the other
        var rig = new BridgeRig(cores: 2, category: CpuCategory.GuestKernel);
        rig.Stations[0].SendAt(0, Frame(2, Mac(0), MacAddress.Broadcast));
        rig.Stations[1].SendAt(0, Frame(3, Mac(1), MacAddress.Broadcast));

        // act
        rig.Run(SimTime.Millisecond);

        // assert
        Assert.Equal([(FrameDonePs, 2L), (FrameDonePs, 3L)], rig.Stations[2].Received.Select(r => (r.Time, r.Frame.FlowId)));
        Assert.Equal((2146L, 0L), (rig.Cpu.CyclesIn(CpuCategory.GuestKernel), rig.Cpu.CyclesIn(CpuCategory.HostKernel)));
        Assert.Equal((FrameDonePs, FrameDonePs), (rig.Cpu.BusyPs(0, CpuCategory.GuestKernel, SimTime.Millisecond), rig.Cpu.BusyPs(1, CpuCategory.GuestKernel, SimTime.Millisecond)));
    }

    [Fact]
    public void Every_flow_must_be_conserved_with_flood_copies_drops_and_frames_still_on_the_core()
    {
        // arrange: one core, 536.5 ns per frame; the run stops at 1.5 us, after two frames are done and while the third is on the core
        // flow 1: broadcast from 0 (3 delivered, 2 copies); flow 2: unicast 1 -> 0 (1 delivered);
        // flow 3: unknown unicast from 2 (3 in flight, 2 copies); flow 4: same-port drop; flow 5: invalid source
        var rig = new BridgeRig();
        rig.Stations[0].SendAt(0, Frame(1, Mac(0), MacAddress.Broadcast));
        rig.Stations[1].SendAt(0, Frame(2, Mac(1), Mac(0)));
        rig.Stations[2].SendAt(0, Frame(3, Mac(2), Mac(9)));
        rig.Stations[1].SendAt(0, Frame(4, Mac(5), Mac(1)));
        rig.Stations[3].SendAt(0, Frame(5, 0, Mac(1)));

        // act
        var results = rig.Run(1_500_000);

        // assert
        Assert.All(results.Flows.Values, f => Assert.True(f.Conserved, $"flow {f.FlowId} not conserved"));
        var expected = new Dictionary<long, (long Sent, long Copied, long Delivered, long Dropped, long InFlight)>
        {
            [1] = (1, 2, 3, 0, 0), [2] = (1, 0, 1, 0, 0), [3] = (1, 2, 0, 0, 3), [4] = (1, 0, 0, 1, 0), [5] = (1, 0, 0, 1, 0),
        };
        Assert.Equal(expected, results.Flows.ToDictionary(f => f.Key,
            f => (f.Value.SentPackets, f.Value.CopiedPackets, f.Value.DeliveredPackets, f.Value.DroppedPackets, f.Value.InFlightPackets)));
        var c = results.Components["host3/br0"];
        Assert.Equal(c["frames"], c["forwarded"] + c["flooded"] + c["dropped_packets"]);
        Assert.Equal(c["flood_copies"], results.Flows.Values.Sum(f => f.CopiedPackets));
    }

    [Fact]
    public void A_one_port_bridge_must_count_a_flood_with_nowhere_to_go_as_a_drop()
    {
        // arrange
        var rig = new BridgeRig(ports: 1);
        rig.Stations[0].SendAt(0, Frame(1, Mac(0), MacAddress.Broadcast));

        // act
        var results = rig.Run(SimTime.Millisecond);

        // assert
        Assert.True(results.Flows[1].Conserved);
        Assert.Equal((1, 1, 0), (rig.Counters["drops_no_port"], results.Flows[1].DroppedPackets, rig.Counters["flooded"]));
    }
}
