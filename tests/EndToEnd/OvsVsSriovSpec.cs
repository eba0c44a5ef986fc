using System.Globalization;
using DcSim.Testing;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>
/// The flagship experiment (config/scenarios/ovs-vs-sriov.conf, docs/ovs-vs-sriov.md) through the real executable: 64 B
/// frames at the 10 GbE line rate into the VMs of two servers, through each path, with a guest that keeps up.
/// </summary>
public sealed class OvsVsSriovSpec
{
    private const string Paths = "path=ovs-kernel:{servers.nic=plain; topology.vswitch.datapath=kernel; vms[1].vnic=vhost-net},"
        + "ovs-dpdk:{servers.nic=plain; topology.vswitch.datapath=netdev; vms[1].vnic=vhost-user},sriov:{servers.nic=82599; vms[1].vnic=vf}";

    private const string PollModeGuest =
        "guest=pmd:{costs.stack.receive.cycles=100; costs.stack.receive.per-byte=0; costs.stack.app.cycles=0; costs.vf.driver-rx.cycles=50}";

    [Fact]
    public void Sriov_must_reach_the_line_rate_with_no_host_CPU_while_the_OVS_paths_are_capped_by_host_cores()
    {
        // act
        var output = Path.Combine(Scratch.Directory("ovs-vs-sriov"), "out");
        var result = Dcsim.Run(TimeSpan.FromMinutes(3), "sweep", Dcsim.RepositoryFile("config/scenarios/ovs-vs-sriov.conf"),
            "--vary", Paths, "--vary", PollModeGuest, "--out", output);

        // assert
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        var rows = File.ReadAllLines(Path.Combine(output, "sweep.csv"));
        var header = rows[0].Split(',');
        double Figure(string path, string column) =>
            double.Parse(rows.Single(r => r.Split(',')[1] == path).Split(',')[Array.IndexOf(header, column)], CultureInfo.InvariantCulture);

        // Two servers under test at 14.88 Mpps each (calibration.md §1.1), none of it on a host core.
        Assert.InRange(Figure("sriov", "throughput_mpps"), 29.6, 29.8);
        Assert.Equal(0, Figure("sriov", "dropped_packets"));
        Assert.True(Figure("sriov", "host_cycles_per_packet") < 100);
        // The vSwitch paths spend thousands of host cycles a packet and fall far short; DPDK's PMDs go further than the kernel.
        Assert.True(Figure("ovs-dpdk", "throughput_mpps") < 10);
        Assert.True(Figure("ovs-kernel", "throughput_mpps") < Figure("ovs-dpdk", "throughput_mpps") / 2);
        Assert.True(Figure("ovs-kernel", "host_cycles_per_packet") > 1000);
        Assert.True(Figure("ovs-dpdk", "host_cycles_per_packet") > 1000);
        Assert.True(Figure("ovs-dpdk", "mean_host_user_cpu") >= 0.125);
        Assert.All(rows.Skip(1), r => Assert.Equal("1", r.Split(',')[Array.IndexOf(header, "conservation_holds")]));
        Assert.True(File.Exists(Path.Combine(output, "report.html")));
    }
}
