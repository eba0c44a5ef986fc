using DcSim.ActorsHost.Settings;
using Xunit;
using static DcSim.ActorsHost.Tests.Scenario.ScenarioTestSupport;

namespace DcSim.ActorsHost.Tests.Sriov;

/// <summary>Bad vf-bond and vf-hotplug input: reported at the key, as FILE:LINE: KEY: MESSAGE.</summary>
public sealed class BondedVfScenarioSpec
{
    private const string Servers = """
        topology { spines = 1, leaves = 1, hosts-per-leaf = 2 }
        servers { hypervisor = kvm, nic = 82599 }
        vms = [ { name = v, vnic = vf-bond, hosts = [0] }, { name = w, hosts = [0] } ]

        """;

    [Fact]
    public void An_event_for_a_VM_that_does_not_exist_must_be_an_error_at_its_vm()
    {
        AssertError(Servers + "vf-hotplug = [ { at = 1ms, vm = web-0, action = detach } ]",
            "vf-hotplug[0].vm", 4, "no VM is named 'web-0': a VF on a VM that does not exist");
    }

    [Fact]
    public void An_event_for_a_VM_without_a_bonded_VF_must_be_an_error_at_its_vm()
    {
        AssertError(Servers + "vf-hotplug = [ { at = 1ms, vm = w-0, action = detach } ]",
            "vf-hotplug[0].vm", 4, "w-0 has vnic = vhost-net: only a VM with vnic = vf-bond has a VF to detach and attach");
    }

    [Fact]
    public void An_event_at_or_after_the_end_of_the_run_must_be_an_error_at_its_at()
    {
        AssertError(Servers + "vf-hotplug = [ { at = 10ms, vm = v-0, action = detach } ]",
            "vf-hotplug[0].at", 4, "at 10ms is not before the end of the scenario (duration = 10ms)");
    }

    [Fact]
    public void Attaching_a_VF_that_is_attached_must_be_an_error_at_its_action()
    {
        AssertError(Servers + "vf-hotplug = [ { at = 1ms, vm = v-0, action = attach } ]",
            "vf-hotplug[0].action", 4, "the VF of v-0 is already attached at 1ms (it is plugged in from the start)");
    }

    [Fact]
    public void Detaching_a_VF_twice_must_be_an_error_at_the_second_event()
    {
        AssertError(Servers + """
            vf-hotplug = [
              { at = 2ms, vm = v-0, action = detach },
              { at = 1ms, vm = v-0, action = detach }
            ]
            """, "vf-hotplug[0].action", 5, "the VF of v-0 is already detached at 2ms (vf-hotplug[1] detaches it at 1ms)");
    }

    [Fact]
    public void An_event_without_its_time_must_be_an_error()
    {
        AssertError(Servers + "vf-hotplug = [ { vm = v-0, action = detach } ]",
            "vf-hotplug[0].at", 4, "missing: every VF hot-plug event needs at, vm and action");
    }

    [Fact]
    public void A_bonded_VM_on_a_server_whose_VMs_attach_to_OVS_must_be_an_error_at_its_vnic()
    {
        AssertError("""
            topology { spines = 1, leaves = 1, hosts-per-leaf = 2, vswitch.enabled = true }
            servers { hypervisor = kvm, nic = 82599, vm-switch = ovs }
            vms = [ { name = v, vnic = vf-bond, hosts = [0] } ]
            """, "vms[0].vnic", 3, "vnic = vf-bond needs vm-switch = linux-bridge on the VM's servers (host 0 has ovs");
    }

    [Fact]
    public void A_bonded_VM_on_a_plain_NIC_must_be_an_error_at_its_vnic()
    {
        AssertError("""
            topology { spines = 1, leaves = 1, hosts-per-leaf = 2 }
            servers { hypervisor = kvm }
            vms = [ { name = v, vnic = vf-bond, hosts = [0] } ]
            """, "vms[0].vnic", 3, "vnic = vf-bond needs an SR-IOV NIC on the VM's servers: host 0 has nic = plain");
    }

    [Fact]
    public void A_bond_on_a_VM_without_vnic_vf_bond_must_be_an_error_at_its_bond()
    {
        AssertError("""
            topology { spines = 1, leaves = 1, hosts-per-leaf = 2 }
            servers { hypervisor = kvm, nic = 82599 }
            vms = [ { name = v, vnic = vf, bond.miimon = 5ms } ]
            """, "vms[0].bond", 3, "bond applies to vnic = vf-bond only: this template's vnic is vf");
    }

    [Fact]
    public void The_resolved_scenario_must_keep_the_bond_and_the_events()
    {
        // arrange
        var original = Parse(Servers + """
            vms = [ { name = v, vnic = vf-bond, hosts = [0], bond { backup = qemu, miimon = 50ms, updelay = 100ms, vf-ready = 1s } } ]
            duration = 3s
            vf-hotplug = [ { at = 1ms, vm = v-0, action = detach }, { at = 2s, vm = v-0, action = attach } ]
            """);

        // act
        var again = Parse(original.ResolvedHocon);

        // assert
        Assert.Equal(original.Datacenter(), again.Datacenter());
        Assert.Equal(2, again.Datacenter().VfHotplug.Count);
        Assert.Equal(new DcSim.ActorsHost.Sriov.GuestBondSettings(DcSim.ActorsHost.Virtualization.VnicBackend.Qemu, 50_000_000_000, 100_000_000_000,
            1_000_000_000_000), again.Datacenter().Virtualization.Vms[0].Bond);
    }
}
