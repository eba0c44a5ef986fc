using DcSim.ActorsHost.Endpoints;
using DcSim.Runner.Results;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.Runner.Tests;

/// <summary>endpoints.csv, cores.csv and the columns servers.csv has for VMs and containers, with worked numbers.</summary>
public sealed class EntityResultFilesSpec
{
    /// <summary>Server host1 (2 cores, 1 ms run) with a VM vm-0 and a container web-0 in it; host0 sends to the VM.</summary>
    private static ResultsBuilder Sample()
    {
        var r = new ResultsBuilder();
        void Stack(string path, string kind, int endpoint, EndpointState state, long startupPs, long sent, long delivered, long down)
        {
            var c = r.Counters(path, kind);
            (c[EndpointResults.Endpoint], c[EndpointResults.State], c[EndpointResults.StartupPs], c[EndpointResults.DroppedDown]) = (endpoint, (long)state, startupPs, down);
            (c[EndpointResults.PacketsSent], c[EndpointResults.BytesSent]) = (sent, 100 * sent);
            (c[EndpointResults.PacketsDelivered], c[EndpointResults.BytesDelivered]) = (delivered, 100 * delivered);
        }
        Stack("host1/vm-0/web-0/stack", "container", 3, EndpointState.Stopped, 570_000_000_000, 0, 0, 4);
        Stack("host0/stack", "host-stack", 0, EndpointState.Running, 0, 10, 0, 0);
        Stack("host1/stack", "host-stack", 1, EndpointState.Running, 0, 0, 0, 0);
        Stack("host1/vm-0/stack", "vm", 2, EndpointState.Running, 20_000_000_000_000, 0, 7, 2);
        var f = r.Flow(FlowIds.Make(0, 0, 0));
        (f.Source, f.Destination, f.SentPackets, f.DeliveredPackets, f.DroppedPackets) = (0, 2, 10, 7, 3);
        f.DropsAt["leaf0->host1"] = 1;
        f.DropsAt["host1/vm-0/stack:down"] = 2;
        foreach (var us in new[] { 10, 10, 10, 20, 20, 30, 40 }) f.LatencyOrCreate().Record(us * SimTime.Microsecond);
        var server = r.Counters("host1", "server");
        (server["cores"], server["idle_exits"]) = (2, 5);
        // 1 ms run on 2 cores: host kernel 0.5 ms, guest kernel 0.25 ms, guest user 0.1 ms, hypervisor 0.05 ms
        (server["host_kernel_busy_ps"], server["guest_kernel_busy_ps"], server["guest_user_busy_ps"], server["hypervisor_busy_ps"]) =
            (500_000_000, 250_000_000, 100_000_000, 50_000_000);
        (server["host_kernel_cycles"], server["guest_kernel_cycles"], server["guest_user_cycles"], server["hypervisor_cycles"]) =
            (1_250_000, 625_000, 250_000, 125_000);
        var cores = r.Counters("host1/cpu", "cpu");
        (cores["core0_host_kernel_busy_ps"], cores["core0_hypervisor_busy_ps"]) = (500_000_000, 50_000_000);
        (cores["core1_guest_kernel_busy_ps"], cores["core1_guest_user_busy_ps"]) = (250_000_000, 100_000_000);
        var nic = r.Counters("host1/nic0", "nic");
        (nic["rx_packets"], nic["tx_packets"]) = (7, 3);
        return r;
    }

    [Fact]
    public void Endpoints_csv_must_have_one_row_per_stack_in_endpoint_order_with_its_traffic_drops_and_latency()
    {
        // act
        var rows = ResultFiles.EndpointsCsv(Sample()).TrimEnd('\n').Split('\n');

        // assert: the 3 drops of host0's flow are host0's, wherever they happened; the 2 at vm-0's down place are also vm-0's
        // dropped_down. Latency of the 7 packets vm-0 received: mean 140 / 7 = 20 us, p50 the 4th (20 us), p99 the max (40 us).
        Assert.Equal("endpoint,path,name,kind,server,state,startup_ps,sent_packets,sent_bytes,delivered_packets,delivered_bytes,"
            + "dropped_packets,dropped_down,latency_mean_us,latency_p50_us,latency_p99_us,drop_locations", rows[0]);
        Assert.Equal("0,host0,host0,host,host0,running,0,10,1000,0,0,3,0,0,0,0,host1/vm-0/stack:down=2;leaf0->host1=1", rows[1]);
        Assert.Equal("1,host1,host1,host,host1,running,0,0,0,0,0,0,0,0,0,0,", rows[2]);
        Assert.Equal("2,host1/vm-0,vm-0,vm,host1,running,20000000000000,0,0,7,700,0,2,20,20.095,40,", rows[3]);
        Assert.Equal("3,host1/vm-0/web-0,web-0,container,host1,stopped,570000000000,0,0,0,0,0,4,0,0,0,", rows[4]);
        Assert.Equal(5, rows.Length);
    }

    [Fact]
    public void Servers_csv_must_append_each_category_cycles_idle_exits_cycles_per_packet_and_the_entities_to_the_old_columns()
    {
        // act
        var rows = ResultFiles.ServersCsv(Sample(), SimTime.Millisecond).TrimEnd('\n').Split('\n');

        // assert: the old columns keep their names and order; utilisation = busy / (2 cores x 1 ms);
        // 2,250,000 cycles over 7 + 3 NIC packets = 225,000 per packet; one VM and one container
        Assert.StartsWith("server,cores,host_kernel_cpu,host_user_cpu,guest_cpu,vswitch_packets,", rows[0]);
        Assert.EndsWith(",vswitch_drops,guest_kernel_cpu,guest_user_cpu,hypervisor_cpu,host_kernel_cycles,host_user_cycles,guest_kernel_cycles,"
            + "guest_user_cycles,hypervisor_cycles,idle_exits,nic_packets,cycles_per_packet,vms,containers", rows[0]);
        Assert.Equal("host1,2,0.25,0,0.175,,,,,,,,,,,,,,,,0.125,0.05,0.025,1250000,0,625000,250000,125000,5,10,225000,1,1", rows[1]);
        Assert.Equal(2, rows.Length);
    }

    [Fact]
    public void Cores_csv_must_give_each_core_its_busy_share_per_category()
    {
        var rows = ResultFiles.CoresCsv(Sample(), SimTime.Millisecond).TrimEnd('\n').Split('\n');

        Assert.Equal("server,core,host_kernel_cpu,host_user_cpu,guest_kernel_cpu,guest_user_cpu,hypervisor_cpu,busy", rows[0]);
        Assert.Equal("host1,0,0.5,0,0,0,0.05,0.55", rows[1]);
        Assert.Equal("host1,1,0,0,0.25,0.1,0,0.35", rows[2]);
        Assert.Equal(3, rows.Length);
    }

    [Fact]
    public void Endpoints_csv_must_count_what_a_container_missed_while_it_started_when_a_run_sends_to_it()
    {
        // arrange: host0 sends 1 packet per ms (8 Mb/s of 1000 B) from t = 0 to a NATed container on host1 that is
        // created at 0 and runs after Docker's 9 ms network namespace + 559 ms start delay (reference.conf costs.runtime)
        var scenario = ScenarioLoader.Parse("""
            duration = 600ms
            topology { spines = 1, leaves = 1, hosts-per-leaf = 2, host-cpu { cores = 2 } }
            containers = [ { name = web, hosts = [1], placement = explicit, network = bridge, publish = ["5000:5000/udp"] } ]
            traffic.generators = [ { kind = cbr, hosts = [0], destination = fixed, target = web-0, rate = 8Mbps, packet-size = 1000B } ]
            """, "web.conf", ".", ActorsHost.FabricModel.Instance);

        // act
        var rows = ResultFiles.EndpointsCsv(InProcessRun.Run(ActorsHost.FabricModel.Instance, scenario)).TrimEnd('\n').Split('\n')
            .Select(l => l.Split(',')).ToList();

        // assert: packets 0..567 reach the container before 568 ms and are dropped at its down place; 568..599 are delivered
        Assert.Equal(["0", "host0", "host0", "host", "host0", "running", "0", "600", "600000", "0", "0", "568", "0"], rows[1][..13]);
        Assert.Equal("host1/web-0/stack:down=568", rows[1][16]);
        Assert.Equal(["2", "host1/web-0", "web-0", "container", "host1", "running", "568000000000", "0", "0", "32", "32000", "0", "568"], rows[3][..13]);
        var (mean, p50, p99) = (double.Parse(rows[3][13]), double.Parse(rows[3][14]), double.Parse(rows[3][15]));
        Assert.True(mean > 0 && mean <= p99 && p50 <= p99, $"latency mean {mean}, p50 {p50}, p99 {p99} us");
    }
}
