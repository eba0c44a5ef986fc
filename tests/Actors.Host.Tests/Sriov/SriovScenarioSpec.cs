using DcSim.ActorsHost.Settings;
using DcSim.ActorsHost.Virtualization;
using DcSim.ActorsNic;
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

    [Fact]
    public void More_VF_VMs_than_VFs_must_be_accepted_under_the_vswitch_policy()
    {
        // act
        var scenario = Parse("""
            topology { spines = 1, leaves = 1, hosts-per-leaf = 2 }
            servers { hypervisor = kvm, nic = 82599, vcpu-overcommit = 64, vf-exhaustion = vswitch }
            vms = [ { name = v, vnic = vf, hosts = [0], count = 64, memory = 1GiB } ]
            """);

        // assert: the 64th VM falls back to vhost-net
        var vfs = new VfAllocation(scenario.Datacenter().Plan);
        Assert.Equal(63, vfs.WithVfOn(0).Count());
        Assert.Equal(1, vfs.FellBackOn(0));
        Assert.Equal(VnicBackend.VhostNet, vfs.VnicOf(vfs.AskingOn(0).Last()));
    }

    [Theory]
    [InlineData("vlan = 10", "vms[0].vf.vlan")]
    [InlineData("rate-limit = 1Gbps", "vms[0].vf.rate-limit")]
    [InlineData("spoof-check = false", "vms[0].vf.spoof-check")]
    [InlineData("posted-interrupts = true", "vms[0].vf.posted-interrupts")]
    [InlineData("interrupt-coalescing.frames = 4", "vms[0].vf.interrupt-coalescing")]
    public void A_per_VF_key_must_be_an_error_on_a_VM_without_a_VF(string setting, string key)
    {
        AssertError($$"""
            topology { spines = 1, leaves = 1, hosts-per-leaf = 2 }
            servers { hypervisor = kvm, nic = 82599 }
            vms = [ { name = v, vnic = vhost-net,
                      vf { {{setting}} } } ]
            """, key, 4, "per-VF settings apply to VMs with vnic = vf or vf-bond; this template has vnic = vhost-net");
    }

    [Theory]
    [InlineData("vlan = 4095", "vms[0].vf.vlan", "must be at most 4094, got 4095")]
    [InlineData("vlan = -1", "vms[0].vf.vlan", "must be at least 0, got -1")]
    [InlineData("rate-limit = fast", "vms[0].vf.rate-limit", "a rate such as 100Mbps or 10Gbps")]
    [InlineData("rate-limit = 0Gbps", "vms[0].vf.rate-limit", "rate must be positive")]
    [InlineData("interrupt-coalescing.frames = 0", "vms[0].vf.interrupt-coalescing.frames", "must be at least 1")]
    [InlineData("posted-interrupts = maybe", "vms[0].vf.posted-interrupts", "'maybe' is not one of auto, true, false")]
    public void A_bad_per_VF_value_must_be_an_error_at_its_key(string setting, string key, string message)
    {
        AssertError($$"""
            topology { spines = 1, leaves = 1, hosts-per-leaf = 2 }
            servers { hypervisor = kvm, nic = 82599 }
            vms = [ { name = v, vnic = vf,
                      vf { {{setting}} } } ]
            """, key, 4, message);
    }

    [Fact]
    public void An_unknown_exhaustion_policy_must_be_an_error_at_its_key()
    {
        AssertError("""
            topology { spines = 1, leaves = 1, hosts-per-leaf = 2 }
            servers { hypervisor = kvm, nic = 82599, groups = [ { hosts = [1], nic = xl710, vf-exhaustion = fallback } ] }
            """, "servers.groups[0].vf-exhaustion", 2, "'fallback' is not one of error, vswitch");
    }

    [Fact]
    public void Vf_settings_of_a_template_whose_VM_falls_back_must_be_an_error()
    {
        // a VLAN meant to isolate the 64th VM could not apply on the vm-switch
        AssertError("""
            topology { spines = 1, leaves = 1, hosts-per-leaf = 2 }
            servers { hypervisor = kvm, nic = 82599, vcpu-overcommit = 64, vf-exhaustion = vswitch }
            vms = [ { name = v, vnic = vf, hosts = [0], count = 64, memory = 1GiB, vf.vlan = 10 } ]
            """, "vms[0].vf.vlan", 3, "v-63 found no VF left on host 0 and falls back to the vm-switch");
    }

    [Fact]
    public void A_hot_plug_event_for_a_bonded_VM_that_fell_back_must_be_an_error()
    {
        AssertError("""
            duration = 1s
            topology { spines = 1, leaves = 1, hosts-per-leaf = 2 }
            servers { hypervisor = kvm, nic = 82599, vcpu-overcommit = 64, vf-exhaustion = vswitch }
            vms = [ { name = v, vnic = vf-bond, hosts = [0], count = 64, memory = 1GiB } ]
            vf-hotplug = [ { at = 10ms, vm = v-63, action = detach } ]
            """, "vf-hotplug[0].vm", 5, "v-63 found no VF left on host 0 and fell back to the vm-switch");
    }

    [Fact]
    public void A_vhost_user_fall_back_must_be_an_error_without_an_OVS_netdev_vm_switch()
    {
        AssertError("""
            topology { spines = 1, leaves = 1, hosts-per-leaf = 2 }
            servers { hypervisor = kvm, nic = 82599, vf-exhaustion = vswitch, vf-fallback-vnic = vhost-user }
            """, "servers.vf-fallback-vnic", 2, "vhost-user attaches to an OVS netdev (DPDK) datapath");
    }

    [Fact]
    public void The_resolved_scenario_must_keep_the_per_VF_settings_and_the_exhaustion_policy()
    {
        // arrange
        var original = Parse("""
            topology { spines = 1, leaves = 1, hosts-per-leaf = 2 }
            servers { hypervisor = kvm, nic = xl710, vf-exhaustion = vswitch, vf-fallback-vnic = qemu }
            vms = [
              { name = v, vnic = vf, vf { vlan = 12, rate-limit = 2Gbps, spoof-check = false, interrupt-coalescing.time = 0, posted-interrupts = true } },
              { name = w, vnic = vf },
              { name = x, vnic = vhost-net }
            ]
            """);

        // act
        var again = Parse(original.ResolvedHocon);

        // assert
        var v = again.Datacenter().Virtualization;
        Assert.Equal(new VfOptions(12, 2_000_000_000, false, new InterruptCoalescing(0, 32), true), v.Vms[0].VfSetup);
        Assert.Equal(VfOptions.Default, v.Vms[1].VfSetup);
        Assert.Equal((VfExhaustion.VSwitch, VnicBackend.Qemu), (v.DefaultProfile.VfExhaustion, v.DefaultProfile.VfFallbackVnic));
        Assert.Equal(original.Datacenter().Virtualization, v);
    }
}
