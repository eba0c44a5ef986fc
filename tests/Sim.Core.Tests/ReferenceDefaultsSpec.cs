using Akka.Configuration;
using Akka.Configuration.Hocon;
using DcSim.SimCore.Scenario;
using Xunit;

namespace DcSim.SimCore.Tests;

/// <summary>
/// Pins every default of config/reference.conf (the one home of defaults, embedded into the simulator): a
/// default that changes, disappears or appears without an entry in <see cref="Pinned"/> fails here, so a change
/// of a default is always a visible, deliberate edit of this table too. Values are compared as written in the
/// file (units included); ScenarioLoaderSpec and ScenarioHostSpec (Actors.Host.Tests) check that the readers turn them into the same settings.
/// </summary>
public sealed class ReferenceDefaultsSpec
{
    private static readonly (string Key, string Default)[] Pinned =
    [
        ("dcsim.scenario.name", "unnamed"),
        ("dcsim.scenario.seed", "1"),
        ("dcsim.scenario.duration", "10ms"),
        ("dcsim.scenario.topology.spines", "2"),
        ("dcsim.scenario.topology.leaves", "4"),
        ("dcsim.scenario.topology.hosts-per-leaf", "8"),
        ("dcsim.scenario.topology.host-link.rate", "10Gbps"),
        ("dcsim.scenario.topology.host-link.delay", "1us"),
        ("dcsim.scenario.topology.fabric-link.rate", "40Gbps"),
        ("dcsim.scenario.topology.fabric-link.delay", "1us"),
        ("dcsim.scenario.topology.host-queue.limit", "1000"),
        ("dcsim.scenario.topology.host-queue.unit", "packets"),
        ("dcsim.scenario.topology.host-queue.trace", ""),
        ("dcsim.scenario.topology.host-queue.ecn.mode", "off"),
        ("dcsim.scenario.topology.host-queue.ecn.threshold", "65"),
        ("dcsim.scenario.topology.host-queue.ecn.red.min", "50"),
        ("dcsim.scenario.topology.host-queue.ecn.red.max", "150"),
        ("dcsim.scenario.topology.host-queue.ecn.red.max-probability", "0.1"),
        ("dcsim.scenario.topology.host-queue.ecn.red.weight", "0.002"),
        ("dcsim.scenario.topology.switch-queue.limit", "1MB"),
        ("dcsim.scenario.topology.switch-queue.unit", "bytes"),
        ("dcsim.scenario.topology.switch-queue.trace", ""),
        ("dcsim.scenario.topology.switch-queue.ecn.mode", "off"),
        ("dcsim.scenario.topology.switch-queue.ecn.threshold", "98670"),
        ("dcsim.scenario.topology.switch-queue.ecn.red.min", "75900"),
        ("dcsim.scenario.topology.switch-queue.ecn.red.max", "227700"),
        ("dcsim.scenario.topology.switch-queue.ecn.red.max-probability", "0.1"),
        ("dcsim.scenario.topology.switch-queue.ecn.red.weight", "0.002"),
        ("dcsim.scenario.topology.host-cpu.cores", "8"),
        ("dcsim.scenario.topology.host-cpu.clock", "2.5GHz"),
        ("dcsim.scenario.topology.host-cpu.idle-exit-latency", "10us"),
        ("dcsim.scenario.topology.host-cpu.idle-threshold", "10us"),
        ("dcsim.scenario.topology.host-cpu.max-backlog", "1000"),
        ("dcsim.scenario.topology.vswitch.enabled", "false"),
        ("dcsim.scenario.topology.vswitch.datapath", "kernel"),
        ("dcsim.scenario.topology.vswitch.rules", ""),
        ("dcsim.scenario.topology.vswitch.datapath-cores", "2"),
        ("dcsim.scenario.topology.vswitch.handler-cores", "2"),
        ("dcsim.scenario.topology.vswitch.flow-limit", "200000"),
        ("dcsim.scenario.topology.vswitch.emc-insert-inv-prob", "100"),
        ("dcsim.scenario.topology.vswitch.upcall-queue", "4096"),
        ("dcsim.scenario.topology.vswitch.max-idle", "10s"),
        ("dcsim.scenario.topology.vswitch.revalidate-period", "500ms"),
        ("dcsim.scenario.topology.vswitch.max-idle-over-limit", "100ms"),
        ("dcsim.scenario.topology.vswitch.cycles-per-revalidated-flow", "2000"),
        ("dcsim.scenario.topology.vswitch.kernel.mask-cache-entries", "256"),
        ("dcsim.scenario.topology.vswitch.kernel.cycles-per-packet", "1000"),
        ("dcsim.scenario.topology.vswitch.kernel.cycles-per-mask-probe", "100"),
        ("dcsim.scenario.topology.vswitch.kernel.cycles-per-upcall", "20000"),
        ("dcsim.scenario.topology.vswitch.kernel.cycles-per-install", "5000"),
        ("dcsim.scenario.topology.vswitch.netdev.emc-entries", "8192"),
        ("dcsim.scenario.topology.vswitch.netdev.cycles-per-packet", "150"),
        ("dcsim.scenario.topology.vswitch.netdev.cycles-per-emc-lookup", "30"),
        ("dcsim.scenario.topology.vswitch.netdev.cycles-per-mask-probe", "60"),
        ("dcsim.scenario.topology.vswitch.netdev.cycles-per-upcall", "20000"),
        ("dcsim.scenario.topology.vswitch.netdev.cycles-per-install", "5000"),
        ("dcsim.scenario.topology.vswitch.rule-changes", "[]"),
        ("dcsim.scenario.traffic.generators", "[]"),
        ("dcsim.scenario.tcp.congestion-control", "cubic"),
        ("dcsim.scenario.tcp.mss", "1448B"),
        ("dcsim.scenario.tcp.initial-window", "10"),
        ("dcsim.scenario.tcp.min-rto", "200ms"),
        ("dcsim.scenario.tcp.max-rto", "120s"),
        ("dcsim.scenario.tcp.initial-rto", "1s"),
        ("dcsim.scenario.tcp.delayed-ack-segments", "2"),
        ("dcsim.scenario.tcp.delayed-ack-timeout", "40ms"),
        ("dcsim.scenario.tcp.duplicate-ack-threshold", "3"),
        ("dcsim.scenario.tcp.sack", "true"),
        ("dcsim.scenario.tcp.ecn", "false"),
        ("dcsim.scenario.tcp.send-buffer", "4MiB"),
        ("dcsim.scenario.tcp.receive-buffer", "6MiB"),
        ("dcsim.scenario.tcp.dctcp-gain", "0.0625"),
        ("dcsim.scenario.tcp.cubic.c", "0.4"),
        ("dcsim.scenario.tcp.cubic.beta", "0.7"),
        ("dcsim.scenario.tcp.cubic.tcp-friendly", "true"),
        ("dcsim.scenario.tcp.cubic.hystart", "true"),
        ("dcsim.scenario.tcp.tso", "true"),
        ("dcsim.scenario.tcp.gro", "true"),
        ("dcsim.scenario.tcp.gro-segments", "8"),
        ("dcsim.scenario.tcp.gro-window", "10us"),
        ("dcsim.scenario.kernel.partitions", "auto"),
        ("dcsim.scenario.kernel.progress-interval", "1ms"),
        ("dcsim.scenario.persistence.journal", "sqlite"),
        ("dcsim.scenario.persistence.progress-batch", "10"),
        ("dcsim.scenario.servers.hypervisor", "none"),
        ("dcsim.scenario.servers.vm-switch", "linux-bridge"),
        ("dcsim.scenario.servers.memory", "256GiB"),
        ("dcsim.scenario.servers.vcpu-overcommit", "1"),
        ("dcsim.scenario.servers.nic", "plain"),
        ("dcsim.scenario.servers.vf-exhaustion", "error"),
        ("dcsim.scenario.servers.vf-fallback-vnic", "vhost-net"),
        ("dcsim.scenario.servers.stack-costs", "linux"),
        ("dcsim.scenario.servers.groups", "[]"),
        ("dcsim.scenario.vms", "[]"),
        ("dcsim.scenario.containers", "[]"),
        ("dcsim.scenario.vf-hotplug", "[]"),
        ("dcsim.scenario.costs.stack.send.cycles", "3000"),
        ("dcsim.scenario.costs.stack.send.per-byte", "0.25"),
        ("dcsim.scenario.costs.stack.receive.cycles", "6700"),
        ("dcsim.scenario.costs.stack.receive.per-byte", "0.25"),
        ("dcsim.scenario.costs.stack.app.cycles", "1400"),
        ("dcsim.scenario.costs.stack.app.per-byte", "0"),
        ("dcsim.scenario.costs.nic.tx-latency", "1500ns"),
        ("dcsim.scenario.costs.nic.rx-latency", "1us"),
        ("dcsim.scenario.costs.host-path.nic-receive.cycles", "2200"),
        ("dcsim.scenario.costs.host-path.nic-receive.per-byte", "0"),
        ("dcsim.scenario.costs.host-path.nic-transmit.cycles", "800"),
        ("dcsim.scenario.costs.host-path.nic-transmit.per-byte", "0"),
        ("dcsim.scenario.costs.host-path.ip-forward.cycles", "500"),
        ("dcsim.scenario.costs.host-path.ip-forward.per-byte", "0"),
        ("dcsim.scenario.costs.host-path.bridge-forward.cycles", "600"),
        ("dcsim.scenario.costs.host-path.bridge-forward.per-byte", "0"),
        ("dcsim.scenario.costs.hypervisor.kvm.kick", "2000"),
        ("dcsim.scenario.costs.hypervisor.kvm.exit-to-user", "500"),
        ("dcsim.scenario.costs.hypervisor.kvm.vcpu-wake", "3000"),
        ("dcsim.scenario.costs.hypervisor.kvm.injection", "1400"),
        ("dcsim.scenario.costs.hypervisor.kvm.eoi-exit", "2000"),
        ("dcsim.scenario.costs.hypervisor.kvm.timer-exit", "2400"),
        ("dcsim.scenario.costs.hypervisor.kvm.posted-interrupts", "false"),
        ("dcsim.scenario.costs.hypervisor.kvm.posted-injection", "300"),
        ("dcsim.scenario.costs.hypervisor.kvm.boot-cycles", "12000000000"),
        ("dcsim.scenario.costs.hypervisor.kvm.boot-delay", "15s"),
        ("dcsim.scenario.costs.hypervisor.xen.kick", "2000"),
        ("dcsim.scenario.costs.hypervisor.xen.exit-to-user", "500"),
        ("dcsim.scenario.costs.hypervisor.xen.vcpu-wake", "3000"),
        ("dcsim.scenario.costs.hypervisor.xen.injection", "1400"),
        ("dcsim.scenario.costs.hypervisor.xen.eoi-exit", "2000"),
        ("dcsim.scenario.costs.hypervisor.xen.timer-exit", "2400"),
        ("dcsim.scenario.costs.hypervisor.xen.posted-interrupts", "false"),
        ("dcsim.scenario.costs.hypervisor.xen.posted-injection", "300"),
        ("dcsim.scenario.costs.hypervisor.xen.boot-cycles", "12000000000"),
        ("dcsim.scenario.costs.hypervisor.xen.boot-delay", "15s"),
        ("dcsim.scenario.costs.hypervisor.esxi.kick", "2000"),
        ("dcsim.scenario.costs.hypervisor.esxi.exit-to-user", "500"),
        ("dcsim.scenario.costs.hypervisor.esxi.vcpu-wake", "3000"),
        ("dcsim.scenario.costs.hypervisor.esxi.injection", "1400"),
        ("dcsim.scenario.costs.hypervisor.esxi.eoi-exit", "2000"),
        ("dcsim.scenario.costs.hypervisor.esxi.timer-exit", "2400"),
        ("dcsim.scenario.costs.hypervisor.esxi.posted-interrupts", "false"),
        ("dcsim.scenario.costs.hypervisor.esxi.posted-injection", "300"),
        ("dcsim.scenario.costs.hypervisor.esxi.boot-cycles", "12000000000"),
        ("dcsim.scenario.costs.hypervisor.esxi.boot-delay", "25s"),
        ("dcsim.scenario.costs.vnic.vhost-net.to-guest.cycles", "5000"),
        ("dcsim.scenario.costs.vnic.vhost-net.to-guest.per-byte", "0.25"),
        ("dcsim.scenario.costs.vnic.vhost-net.to-guest-user.cycles", "0"),
        ("dcsim.scenario.costs.vnic.vhost-net.to-guest-user.per-byte", "0"),
        ("dcsim.scenario.costs.vnic.vhost-net.from-guest.cycles", "3000"),
        ("dcsim.scenario.costs.vnic.vhost-net.from-guest.per-byte", "0.25"),
        ("dcsim.scenario.costs.vnic.vhost-net.from-guest-user.cycles", "0"),
        ("dcsim.scenario.costs.vnic.vhost-net.from-guest-user.per-byte", "0"),
        ("dcsim.scenario.costs.vnic.qemu.to-guest.cycles", "5100"),
        ("dcsim.scenario.costs.vnic.qemu.to-guest.per-byte", "0.25"),
        ("dcsim.scenario.costs.vnic.qemu.to-guest-user.cycles", "2000"),
        ("dcsim.scenario.costs.vnic.qemu.to-guest-user.per-byte", "0"),
        ("dcsim.scenario.costs.vnic.qemu.from-guest.cycles", "3300"),
        ("dcsim.scenario.costs.vnic.qemu.from-guest.per-byte", "0.25"),
        ("dcsim.scenario.costs.vnic.qemu.from-guest-user.cycles", "2000"),
        ("dcsim.scenario.costs.vnic.qemu.from-guest-user.per-byte", "0"),
        ("dcsim.scenario.costs.vnic.vhost-user.to-guest.cycles", "1300"),
        ("dcsim.scenario.costs.vnic.vhost-user.to-guest.per-byte", "0"),
        ("dcsim.scenario.costs.vnic.vhost-user.to-guest-user.cycles", "300"),
        ("dcsim.scenario.costs.vnic.vhost-user.to-guest-user.per-byte", "0.25"),
        ("dcsim.scenario.costs.vnic.vhost-user.from-guest.cycles", "0"),
        ("dcsim.scenario.costs.vnic.vhost-user.from-guest.per-byte", "0"),
        ("dcsim.scenario.costs.vnic.vhost-user.from-guest-user.cycles", "300"),
        ("dcsim.scenario.costs.vnic.vhost-user.from-guest-user.per-byte", "0.25"),
        ("dcsim.scenario.costs.vf.driver-rx.cycles", "1000"),
        ("dcsim.scenario.costs.vf.driver-rx.per-byte", "0"),
        ("dcsim.scenario.costs.vf.driver-tx.cycles", "500"),
        ("dcsim.scenario.costs.vf.driver-tx.per-byte", "0"),
        ("dcsim.scenario.costs.container.veth.cycles", "1000"),
        ("dcsim.scenario.costs.container.veth.per-byte", "0"),
        ("dcsim.scenario.costs.container.macvlan.cycles", "200"),
        ("dcsim.scenario.costs.container.macvlan.per-byte", "0"),
        ("dcsim.scenario.costs.container.nat.cycles", "300"),
        ("dcsim.scenario.costs.container.nat.per-byte", "0"),
        ("dcsim.scenario.costs.container.conntrack-lookup.cycles", "600"),
        ("dcsim.scenario.costs.container.conntrack-lookup.per-byte", "0"),
        ("dcsim.scenario.costs.container.conntrack-new.cycles", "3000"),
        ("dcsim.scenario.costs.container.conntrack-new.per-byte", "0"),
        ("dcsim.scenario.costs.runtime.docker.netns-setup", "9ms"),
        ("dcsim.scenario.costs.runtime.docker.start-delay", "559ms"),
        ("dcsim.scenario.costs.runtime.lxc.netns-setup", "9ms"),
        ("dcsim.scenario.costs.runtime.lxc.start-delay", "559ms"),
        ("dcsim.server-group-defaults.hosts", "[]"),
        ("dcsim.server-group-defaults.hypervisor", "none"),
        ("dcsim.server-group-defaults.vm-switch", "linux-bridge"),
        ("dcsim.server-group-defaults.memory", "256GiB"),
        ("dcsim.server-group-defaults.vcpu-overcommit", "1"),
        ("dcsim.server-group-defaults.nic", "plain"),
        ("dcsim.server-group-defaults.vf-exhaustion", "error"),
        ("dcsim.server-group-defaults.vf-fallback-vnic", "vhost-net"),
        ("dcsim.server-group-defaults.stack-costs", "linux"),
        ("dcsim.vm-defaults.name", ""),
        ("dcsim.vm-defaults.count", "1"),
        ("dcsim.vm-defaults.hosts", "all"),
        ("dcsim.vm-defaults.placement", "round-robin"),
        ("dcsim.vm-defaults.vcpus", "1"),
        ("dcsim.vm-defaults.memory", "2GiB"),
        ("dcsim.vm-defaults.pinning", "floating"),
        ("dcsim.vm-defaults.subnet", ""),
        ("dcsim.container-defaults.subnet", ""),
        ("dcsim.vm-defaults.vnic", "vhost-net"),
        ("dcsim.vm-defaults.vf.vlan", "0"),
        ("dcsim.vm-defaults.vf.rate-limit", ""),
        ("dcsim.vm-defaults.vf.spoof-check", "true"),
        ("dcsim.vm-defaults.vf.interrupt-coalescing.time", "auto"),
        ("dcsim.vm-defaults.vf.interrupt-coalescing.frames", "auto"),
        ("dcsim.vm-defaults.vf.posted-interrupts", "auto"),
        ("dcsim.vm-defaults.start", "0s"),
        ("dcsim.vm-defaults.stop", ""),
        ("dcsim.vm-defaults.cpu-load", "0"),
        ("dcsim.vm-defaults.cpu-slice", "3ms"),
        ("dcsim.vm-defaults.bond.backup", "vhost-net"),
        ("dcsim.vm-defaults.bond.miimon", "100ms"),
        ("dcsim.vm-defaults.bond.updelay", "0s"),
        ("dcsim.vm-defaults.bond.vf-ready", "100ms"),
        ("dcsim.vf-hotplug-defaults.at", ""),
        ("dcsim.vf-hotplug-defaults.vm", ""),
        ("dcsim.vf-hotplug-defaults.action", ""),
        ("dcsim.container-defaults.name", ""),
        ("dcsim.container-defaults.count", "1"),
        ("dcsim.container-defaults.runtime", "docker"),
        ("dcsim.container-defaults.network", "bridge"),
        ("dcsim.container-defaults.hosts", "all"),
        ("dcsim.container-defaults.vms", "[]"),
        ("dcsim.container-defaults.placement", "round-robin"),
        ("dcsim.container-defaults.publish", "[]"),
        ("dcsim.container-defaults.start", "0s"),
        ("dcsim.container-defaults.stop", ""),
        ("dcsim.generator-defaults.kind", "cbr"),
        ("dcsim.generator-defaults.hosts", "all"),
        ("dcsim.generator-defaults.endpoints", "[]"),
        ("dcsim.generator-defaults.rate", "100Mbps"),
        ("dcsim.generator-defaults.rate-per", "source"),
        ("dcsim.generator-defaults.packet-size", "1000B"),
        ("dcsim.generator-defaults.packet-size-of", "payload"),
        ("dcsim.generator-defaults.concurrent-flows", "1"),
        ("dcsim.generator-defaults.size-distribution", "fixed"),
        ("dcsim.generator-defaults.destination", "random"),
        ("dcsim.generator-defaults.destinations", "[]"),
        ("dcsim.generator-defaults.target", "0"),
        ("dcsim.generator-defaults.flow-size-cdf", ""),
        ("dcsim.generator-defaults.start", "0s"),
        ("dcsim.generator-defaults.stop", ""),
        ("dcsim.generator-defaults.on-off.on", "1ms"),
        ("dcsim.generator-defaults.on-off.off", "1ms"),
        ("dcsim.generator-defaults.on-off.periods", "exponential"),
        ("dcsim.generator-defaults.request-response.request-size", "100B"),
        ("dcsim.generator-defaults.request-response.response-size", "10KB"),
        ("dcsim.generator-defaults.request-response.response-size-cdf", ""),
        ("dcsim.generator-defaults.request-response.service-time", "10us"),
        ("dcsim.generator-defaults.request-response.service-distribution", "exponential"),
        ("dcsim.generator-defaults.udp-rr.request-size", "100B"),
        ("dcsim.generator-defaults.udp-rr.response-size", "200B"),
        ("dcsim.generator-defaults.udp-rr.service-time", "0s"),
        ("dcsim.generator-defaults.udp-rr.transactions-in-flight", "1"),
        ("dcsim.generator-defaults.udp-rr.timeout", "10ms"),
        ("dcsim.generator-defaults.udp-rr.label", ""),
        ("dcsim.generator-defaults.udp-rr.published-rtt", ""),
        ("dcsim.generator-defaults.tcp-bulk.flow-size", ""),
        ("dcsim.generator-defaults.tcp-bulk.connections", "1"),
        ("dcsim.generator-defaults.tcp-bulk.cwnd-trace", ""),
        ("dcsim.generator-defaults.tcp-rr.request-size", "100B"),
        ("dcsim.generator-defaults.tcp-rr.response-size", "200B"),
        ("dcsim.generator-defaults.tcp-rr.service-time", "0s"),
        ("dcsim.generator-defaults.tcp-rr.label", ""),
        ("dcsim.generator-defaults.tcp-rr.published-rtt", ""),
        ("dcsim.generator-defaults.incast.request-size", "64B"),
        ("dcsim.generator-defaults.incast.response-size", "64KB"),
        ("dcsim.generator-defaults.incast.rounds", "0"),
        ("dcsim.generator-defaults.incast.jitter", "0s"),
    ];

    private static readonly Lazy<IReadOnlyDictionary<string, string>> Defaults = new(ReadDefaults);

    public static TheoryData<string, string> PinnedDefaults()
    {
        var data = new TheoryData<string, string>();
        foreach (var (key, value) in Pinned) data.Add(key, value);
        return data;
    }

    [Theory]
    [MemberData(nameof(PinnedDefaults))]
    public void Reference_conf_must_keep_the_pinned_default(string key, string expected)
    {
        Assert.True(Defaults.Value.TryGetValue(key, out var actual), $"reference.conf has no key {key} any more");
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Every_key_of_reference_conf_must_have_a_pinned_default()
    {
        var pinned = Pinned.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var unpinned = Defaults.Value.Keys.Where(k => !pinned.Contains(k)).Order(StringComparer.Ordinal).ToList();
        Assert.True(unpinned.Count == 0,
            $"reference.conf keys without a pinned default (add them to {nameof(ReferenceDefaultsSpec)}.{nameof(Pinned)}): {string.Join(", ", unpinned)}");
        Assert.Equal(Pinned.Length, pinned.Count); // no key pinned twice
    }

    /// <summary>Every leaf of reference.conf (a value or a list, not an object) as path -> value as written.</summary>
    private static IReadOnlyDictionary<string, string> ReadDefaults()
    {
        // The embedded copy is config/reference.conf itself (linked into Sim.Core), as the simulator reads it.
        using var stream = typeof(ScenarioLoader).Assembly.GetManifestResourceStream(ScenarioReference.ResourceName)!;
        var text = new StreamReader(stream).ReadToEnd();
        var leaves = new Dictionary<string, string>(StringComparer.Ordinal);
        Collect(ConfigurationFactory.ParseString(text).Root.GetObject(), "", leaves);
        return leaves;
    }

    private static void Collect(HoconObject node, string prefix, Dictionary<string, string> leaves)
    {
        foreach (var (key, value) in node.Items)
        {
            var path = prefix.Length == 0 ? key : $"{prefix}.{key}";
            if (value.IsObject()) Collect(value.GetObject(), path, leaves);
            // Akka reads "[]" as a value holding an empty HoconArray, for which IsArray() is false.
            else if (value.Values.FirstOrDefault() is HoconArray || value.IsArray())
                leaves[path] = "[" + string.Join(", ", value.GetArray().Where(v => v.Values.Count > 0).Select(v => v.GetString())) + "]";
            else leaves[path] = value.GetString();
        }
    }
}
