using DcSim.ActorsHost.Settings;
using Xunit;
using static DcSim.ActorsHost.Tests.Scenario.ScenarioTestSupport;

namespace DcSim.ActorsHost.Tests.Sriov;

/// <summary>Bad SR-IOV input: reported at the key, as FILE:LINE: KEY: MESSAGE.</summary>
public sealed class SriovScenarioSpec
{
    [Fact]
    public void A_VF_must_be_an_error_on_a_server_whose_nic_is_plain()
    {
        AssertError("""
            topology { spines = 1, leaves = 1, hosts-per-leaf = 2 }
            servers { hypervisor = kvm, groups = [ { hosts = [0], hypervisor = kvm, nic = 82599 } ] }
            vms = [ { name = v, vnic = vf, hosts = [0, 1] } ]
            """, "vms[0].vnic", 3, "vnic = vf needs an SR-IOV NIC on the VM's servers: host 1 has nic = plain");
    }

    [Fact]
    public void An_unknown_NIC_model_must_be_an_error_at_its_key()
    {
        AssertError("""
            topology { spines = 1, leaves = 1, hosts-per-leaf = 2 }
            servers.nic = x520
            """, "servers.nic", 2, "'x520' is not one of plain, 82599, xl710");
    }

    [Fact]
    public void More_VF_VMs_on_a_server_than_its_model_has_VFs_must_be_a_placement_error()
    {
        AssertError("""
            topology { spines = 1, leaves = 1, hosts-per-leaf = 2 }
            servers { hypervisor = kvm, nic = 82599, vcpu-overcommit = 64 }
            vms = [ { name = v, vnic = vf, hosts = [0], count = 64, memory = 1GiB } ]
            """, "vms[0].vnic", 3, "VF exhaustion: policy error: host 0 would hold 64 VMs with vnic = vf, its 82599 NIC has 63 VFs");
    }

    [Fact]
    public void As_many_VF_VMs_as_the_model_has_VFs_must_be_accepted()
    {
        var scenario = Parse("""
            topology { spines = 1, leaves = 1, hosts-per-leaf = 2 }
            servers { hypervisor = kvm, nic = 82599, vcpu-overcommit = 64 }
            vms = [ { name = v, vnic = vf, hosts = [0], count = 63, memory = 1GiB } ]
            """);

        Assert.Equal(63, scenario.Datacenter().Plan.OnServer(0).Length);
    }

    [Fact]
    public void The_resolved_scenario_must_keep_the_NIC_models_and_the_VF_costs()
    {
        // arrange
        var original = Parse("""
            topology { spines = 1, leaves = 1, hosts-per-leaf = 2 }
            servers { hypervisor = kvm, nic = xl710, groups = [ { hosts = [1], hypervisor = kvm, nic = 82599 } ] }
            costs.vf.driver-tx { cycles = 700, per-byte = 0.5 }
            vms = [ { name = v, vnic = vf, hosts = [0, 1] } ]
            """);

        // act
        var again = Parse(original.ResolvedHocon);

        // assert
        var v = again.Datacenter().Virtualization;
        Assert.Equal(["xl710", "82599"], v.Profiles.Select(p => p.Sriov!.Name));
        Assert.Equal(new DcSim.SimCore.Cpu.StepCost(700, 0.5), v.Costs.Vf.DriverTx);
        Assert.Equal(original.Datacenter().Virtualization, v);
    }
}
