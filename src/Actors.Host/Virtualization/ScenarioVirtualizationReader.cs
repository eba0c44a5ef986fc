using System.Globalization;
using DcSim.ActorsHost.Migration;
using DcSim.ActorsHost.Settings;
using DcSim.ActorsHost.Sriov;
using DcSim.ActorsNic;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Virtualization;

/// <summary>
/// Reads servers, vms, containers and costs: every server's profile, the VM and container templates (completed from
/// dcsim.vm-defaults / dcsim.container-defaults) and the cost tables, then places the entities
/// (<see cref="EntityPlanner"/>) so that what cannot fit is an error at the template's key.
/// </summary>
internal sealed class ScenarioVirtualizationReader(ScenarioReadContext context, int? hostCount, int? cores)
{
    public const string VmDefaultsPath = "dcsim.vm-defaults";
    public const string ContainerDefaultsPath = "dcsim.container-defaults";
    public const string GroupDefaultsPath = "dcsim.server-group-defaults";

    /// <summary>Names are the stems of entity names and paths: letters, digits, '-' and '_', starting with a letter.</summary>
    private const string NameRule = "a name starts with a letter and holds letters, digits, '-' and '_'";

    public static readonly ScenarioWordList Hypervisors =
        new(("none", (int)HypervisorKind.None), ("kvm", (int)HypervisorKind.Kvm), ("xen", (int)HypervisorKind.Xen), ("esxi", (int)HypervisorKind.Esxi));
    public static readonly ScenarioWordList VmSwitches = new(("linux-bridge", (int)VmSwitchKind.LinuxBridge), ("ovs", (int)VmSwitchKind.Ovs));
    public static readonly ScenarioWordList StackCostWords = new(("linux", 0), ("free", 1));
    public static readonly ScenarioWordList Placements =
        new(("explicit", (int)Placement.Explicit), ("round-robin", (int)Placement.RoundRobin), ("pack", (int)Placement.Pack), ("spread", (int)Placement.Spread));
    public static readonly ScenarioWordList Pinnings = new(("floating", (int)VcpuPinning.Floating), ("pinned", (int)VcpuPinning.Pinned));
    public static readonly ScenarioWordList Backends =
        new(("vhost-net", (int)VnicBackend.VhostNet), ("qemu", (int)VnicBackend.Qemu), ("vhost-user", (int)VnicBackend.VhostUser), ("vf", (int)VnicBackend.Vf),
         ("vf-bond", (int)VnicBackend.VfBond));
    /// <summary>servers.nic: plain (-1) or the index of an SR-IOV part in <see cref="SriovModels"/>.</summary>
    private static readonly SriovNicModel[] SriovModels = SriovNicModel.Known.Values.OrderBy(m => m.Name, StringComparer.Ordinal).ToArray();
    public static readonly ScenarioWordList Nics = NicWords();
    public static readonly ScenarioWordList Runtimes = new(("docker", (int)ContainerRuntime.Docker), ("lxc", (int)ContainerRuntime.Lxc));
    public static readonly ScenarioWordList Networks =
        new(("bridge", (int)ContainerNetwork.Bridge), ("host", (int)ContainerNetwork.Host), ("macvlan", (int)ContainerNetwork.Macvlan), ("none", (int)ContainerNetwork.None));

    private static ScenarioWordList NicWords()
    {
        var words = new (string Word, int Value)[SriovModels.Length + 1];
        words[0] = ("plain", -1);
        for (var i = 0; i < SriovModels.Length; i++) words[i + 1] = (SriovModels[i].Name, i);
        return new ScenarioWordList(words);
    }

    /// <summary>The settings and their placement, or null after reporting.</summary>
    public (VirtualizationSettings Settings, EntityPlan Plan)? Read(ScenarioSection root, bool ovsEnabled, bool ovsNetdev)
    {
        var servers = root.Child("servers");
        // servers.stack-costs is the whole scenario's (VirtualizationSettings.FreeStacks); a group's makes only its servers free.
        var fallback = ReadProfile(servers, ovsEnabled, ovsNetdev);
        var free = fallback?.FreeStacks ?? false;
        fallback = fallback is null ? null : fallback with { FreeStacks = false };
        var groups = ReadGroups(servers, fallback, ovsEnabled, ovsNetdev);
        var profiles = groups?.Profiles;
        var vmSections = Elements(root, "vms", VmDefaultsPath, "VM template { name = web, count = 4, vcpus = 2 }");
        var vms = new List<VmTemplate>();
        var named = new List<(ScenarioSection Section, string Name, int Count)>();
        var ok = profiles is not null;
        foreach (var s in vmSections)
        {
            if (ReadVm(vms.Count, s, ovsEnabled, ovsNetdev, profiles) is { } vm) { vms.Add(vm); named.Add((s, vm.Name, vm.Count)); }
            else ok = false;
        }
        var containerSections = Elements(root, "containers", ContainerDefaultsPath, "container template { name = db, runtime = docker, network = bridge }");
        var containers = new List<ContainerTemplate>();
        foreach (var s in containerSections)
        {
            if (ReadContainer(containers.Count, s) is { } c) { containers.Add(c); named.Add((s, c.Name, c.Count)); }
            else ok = false;
        }
        ok &= CheckNames(named);
        var costs = ReadCosts(root.Child("costs"));
        if (!ok || costs is null || profiles is null || hostCount is not { } h || cores is not { } n) return null;
        var settings = new VirtualizationSettings(fallback!, groups!.Value.Groups, profiles, free, vms, containers, costs);
        return new EntityPlanner(settings, h, n).Plan(vmSections, containerSections) is { } plan && CheckVfs(plan, vmSections)
            ? (settings, plan) : null;
    }

    /// <summary>
    /// Under vf-exhaustion = error a server takes at most its NIC model's VFs: reported at the vnic of the template whose VM
    /// is one too many (under vswitch, that VM and the next fall back to the vm-switch: <see cref="VfAllocation"/>).
    /// </summary>
    private static bool CheckVfs(EntityPlan plan, List<ScenarioSection> vmSections)
    {
        var allocation = new VfAllocation(plan);
        if (allocation.Exhausted() is not var (host, asking, refused)) return VfSettingsApply(plan, allocation, vmSections);
        var s = vmSections[plan.Entity(refused).Template];
        var model = plan.Settings.Profiles[host].Sriov!;
        return s.Check(false, "vnic", s.Get("vnic").FromFile,
            $"VF exhaustion: policy error: host {host} would hold {asking} VMs with vnic = vf, its {model.Name} NIC has {model.MaxVfs} VFs "
            + "(set servers.vf-exhaustion = vswitch, or its group's, to give the others a vNIC on the vm-switch)");
    }

    /// <summary>
    /// A template whose vf settings differ from the defaults (a VLAN, a rate limit) must not have a VM that fell back to the vm-switch
    /// under vf-exhaustion = vswitch: there the settings could not apply, and isolation meant by them would be lost unsaid.
    /// </summary>
    private static bool VfSettingsApply(EntityPlan plan, VfAllocation allocation, List<ScenarioSection> vmSections)
    {
        var ok = true;
        for (var template = 0; template < vmSections.Count; template++)
        {
            // Settings equal to the defaults change nothing on the vm-switch either (and a resolved scenario writes them all).
            if (plan.Settings.Vms[template].VfSetup == VfOptions.Default) continue;
            var vf = vmSections[template].Child("vf");
            var set = VfOptionsReader.Keys.FirstOrDefault(k => vf.Get(k).FromFile) ?? "vlan";
            var fellBack = Enumerable.Range(0, plan.Entities.Count).FirstOrDefault(i => plan.Entities[i].Kind == EntityKind.Vm
                && plan.Entities[i].Template == template && allocation.VnicOf(i) != plan.Settings.Vms[template].Vnic, -1);
            if (fellBack < 0) continue;
            ok &= vf.Check(false, set, true, $"{plan.NameOf(fellBack)} found no VF left on host {plan.Entities[fellBack].Server} and falls back to the vm-switch "
                + "(servers.vf-exhaustion = vswitch), where its vf settings cannot apply: give its VMs servers with VFs to spare, or drop them");
        }
        return ok;
    }

    private List<ScenarioSection> Elements(ScenarioSection root, string key, string defaultsPath, string example)
    {
        var sections = new List<ScenarioSection>();
        var (list, fromFile) = root.Get(key);
        if (HoconValues.KindOf(list) != HoconKind.List)
        {
            root.Report(key, fromFile, $"expected a list of {example.Split(' ')[0]} objects [ {example[(example.IndexOf('{'))..]} ], found {HoconValues.Describe(list)}");
            return sections;
        }
        var elements = HoconValues.Elements(list);
        for (var i = 0; i < elements.Count; i++)
        {
            var path = $"{root.PathOf(key)}[{i}]";
            if (HoconValues.KindOf(elements[i]) != HoconKind.Object)
            {
                context.Diagnostics.Report(path, $"expected a {example}, found {HoconValues.Describe(elements[i])}");
                continue;
            }
            sections.Add(context.ListElement(path, elements[i].GetObject(), defaultsPath));
        }
        return sections;
    }

    private (List<ServerGroup> Groups, List<ServerProfile> Profiles)? ReadGroups(ScenarioSection servers, ServerProfile? fallback, bool ovsEnabled, bool ovsNetdev)
    {
        var groups = Elements(servers, "groups", GroupDefaultsPath, "server group { hosts = [\"0-3\"], hypervisor = kvm }");
        var read = new List<ServerGroup>();
        if (fallback is null || hostCount is not { } n) return null;
        var profiles = Enumerable.Repeat(fallback, n).ToList();
        var groupOf = new int[n];
        // A loop: Array.Fill is a generic method whose vectorized code was JIT-compiled (4-6 ms) on the way to a run's start.
        for (var h = 0; h < n; h++) groupOf[h] = -1;
        var ok = true;
        for (var g = 0; g < groups.Count; g++)
        {
            var profile = ReadProfile(groups[g], ovsEnabled, ovsNetdev);
            var hosts = HostListReader.Read(groups[g], "hosts", hostCount);
            if (profile is null || hosts is null) { ok = false; continue; }
            read.Add(new ServerGroup(hosts, profile));
            foreach (var h in hosts)
            {
                if (groupOf[h] >= 0)
                {
                    groups[g].Report("hosts", true, $"host {h} is already in servers.groups[{groupOf[h]}]; a server belongs to one group at most");
                    ok = false;
                    break;
                }
                groupOf[h] = g;
                profiles[h] = profile;
            }
        }
        return ok ? (read, profiles) : null;
    }

    private static ServerProfile? ReadProfile(ScenarioSection s, bool ovsEnabled, bool ovsNetdev)
    {
        var ok = s.TryWord("hypervisor", Hypervisors, out var hypervisorValue);
        var hypervisor = (HypervisorKind)hypervisorValue;
        var switchOk = s.TryWord("vm-switch", VmSwitches, out var vmSwitchValue);
        var vmSwitch = (VmSwitchKind)vmSwitchValue;
        // The servers' VMs would attach to a vSwitch that is not built.
        ok &= switchOk && s.Check(vmSwitch != VmSwitchKind.Ovs || ovsEnabled, "vm-switch", s.Get("vm-switch").FromFile,
            "vm-switch = ovs attaches the VMs to the Open vSwitch of topology.vswitch, which is disabled: set topology.vswitch.enabled = true, or use linux-bridge");
        ok &= s.TrySize("memory", 1 << 20, long.MaxValue, out var memory);
        ok &= s.TryInt("vcpu-overcommit", 1, 64, out var overcommit);
        ok &= s.TryWord("nic", Nics, out var nic);
        ok &= s.TryWord("stack-costs", StackCostWords, out var freeValue);
        var free = freeValue != 0;
        ok &= VfOptionsReader.TryReadPolicy(s, vmSwitch, ovsNetdev, out var exhaustion, out var fallbackVnic);
        return ok ? new ServerProfile(hypervisor, vmSwitch, memory, overcommit, nic < 0 ? null : SriovModels[nic], free, exhaustion, fallbackVnic) : null;
    }

    private VmTemplate? ReadVm(int index, ScenarioSection s, bool ovsEnabled, bool ovsNetdev, List<ServerProfile>? profiles)
    {
        var ok = TryName(s, out var name);
        ok &= s.TryInt("count", 1, 1 << 20, out var count);
        var hosts = ReadHostsInOrder(s);
        ok &= hosts is not null;
        ok &= s.TryWord("placement", Placements, out var placementValue);
        var placement = (Placement)placementValue;
        ok &= s.TryInt("vcpus", 1, 1024, out var vcpus);
        var memoryOk = s.TrySize("memory", 1 << 20, long.MaxValue, out var memory);
        long? workingSet = null;
        long dirtyRate = 0;
        ok &= memoryOk && TryWorkingSet(s, memory, out workingSet);
        ok &= s.TryText("dirty-rate", out var dirtyText) && ByteRate.TryRead(s, "dirty-rate", dirtyText, 0, out dirtyRate);
        ok &= s.TryWord("pinning", Pinnings, out var pinningValue);
        var pinning = (VcpuPinning)pinningValue;
        var vnicOk = s.TryWord("vnic", Backends, out var vnicValue);
        var vnic = (VnicBackend)vnicValue;
        ok &= vnicOk;
        if (vnicOk && vnic == VnicBackend.VhostUser && hosts is not null && profiles is not null)
        {
            var wrong = hosts.FirstOrDefault(h => profiles[h].VmSwitch != VmSwitchKind.Ovs, -1);
            ok &= s.Check(wrong < 0 && ovsEnabled && ovsNetdev, "vnic", s.Get("vnic").FromFile,
                "vnic = vhost-user attaches to an OVS netdev (DPDK) datapath: it needs vm-switch = ovs on the VM's servers and topology.vswitch "
                + "with enabled = true and datapath = netdev" + (wrong >= 0 ? $" (host {wrong} has vm-switch = linux-bridge)" : ""));
        }
        if (vnicOk && vnic.HasVf() && hosts is not null && profiles is not null)
        {
            var plain = hosts.FirstOrDefault(h => profiles[h].Sriov is null, -1);
            ok &= s.Check(plain < 0, "vnic", s.Get("vnic").FromFile,
                $"vnic = {Backends.WordOf((int)vnic)} needs an SR-IOV NIC on the VM's servers: host {plain} has nic = plain (set servers.nic or its group's nic to one of "
                + string.Join(", ", SriovModels.Select(m => m.Name)) + ")");
        }
        var bond = vnicOk && vnic == VnicBackend.VfBond ? GuestBondReader.Read(s, hosts, profiles) : null;
        ok &= vnicOk && vnic == VnicBackend.VfBond ? bond is not null : GuestBondReader.CheckUnused(s);
        var vf = vnicOk ? VfOptionsReader.Read(s, vnic) : VfOptions.Default;
        ok &= vf is not null;
        var times = ReadStartStop(s);
        ok &= times is not null;
        ok &= TryFraction(s, "cpu-load", out var load);
        ok &= s.TryTime("cpu-slice", 1, out var slice);
        var subnetOk = TrySubnet(s, out var subnet);
        ok &= subnetOk;
        if (subnetOk && subnet is { } net && count > net.Usable)
            ok = s.Check(false, "subnet", true, $"subnet {net} has {net.Usable} usable addresses, fewer than count = {count} VMs");
        if (!ok || hosts is null || times is not { } t) return null;
        return new VmTemplate(index, name, count, hosts, placement, vcpus, memory, pinning, vnic, t.Start, t.Stop, load, slice, subnet, bond, vf,
            workingSet, dirtyRate);
    }

    /// <summary>writable-working-set: "" (all of the VM's memory) or a size from 0 to the VM's memory.</summary>
    private static bool TryWorkingSet(ScenarioSection s, long memory, out long? workingSet)
    {
        workingSet = null;
        if (!s.TryText("writable-working-set", out var text, out var fromFile)) return false;
        if (text.Length == 0) return true;
        if (!s.TrySize("writable-working-set", 0, long.MaxValue, out var bytes)) return false;
        workingSet = bytes;
        return s.Check(bytes <= memory, "writable-working-set", fromFile,
            $"the pages a VM rewrites are part of its memory: {text} is more than memory = {ScenarioHoconWriter.Size(memory)}");
    }

    private ContainerTemplate? ReadContainer(int index, ScenarioSection s)
    {
        var ok = TryName(s, out var name);
        ok &= s.TryInt("count", 1, 1 << 20, out var count);
        ok &= s.TryWord("runtime", Runtimes, out var runtimeValue);
        var runtime = (ContainerRuntime)runtimeValue;
        var networkOk = s.TryWord("network", Networks, out var networkValue);
        var network = (ContainerNetwork)networkValue;
        ok &= networkOk;
        var hosts = ReadHostsInOrder(s);
        ok &= hosts is not null;
        var vms = ReadNames(s, "vms");
        ok &= vms is not null;
        ok &= s.TryWord("placement", Placements, out var placementValue);
        var placement = (Placement)placementValue;
        var publish = ReadPublish(s);
        ok &= publish is not null;
        if (networkOk && publish is { Count: > 0 })
            ok &= s.Check(network == ContainerNetwork.Bridge, "publish", true, $"ports are published through the NAT of network = bridge; network = {s.Get("network").Value} has none to publish");
        var times = ReadStartStop(s);
        ok &= times is not null;
        var subnetOk = TrySubnet(s, out var subnet);
        ok &= subnetOk;
        if (subnetOk && networkOk && subnet is { } net)
        {
            ok &= s.Check(network == ContainerNetwork.Macvlan, "subnet", true,
                $"only a macvlan container has an address of its own on the network; network = {s.Get("network").Value} takes {(network == ContainerNetwork.Bridge ? "Docker's 172.17.0.0/16" : "its kernel's")}");
            if (count > net.Usable) ok = s.Check(false, "subnet", true, $"subnet {net} has {net.Usable} usable addresses, fewer than count = {count} containers");
        }
        if (!ok || hosts is null || vms is null || publish is null || times is not { } t) return null;
        return new ContainerTemplate(index, name, count, runtime, network, hosts, vms, placement, publish, t.Start, t.Stop, subnet);
    }

    /// <summary>hosts as listed (explicit placement keeps the order and repeats), or all servers.</summary>
    private List<int>? ReadHostsInOrder(ScenarioSection s)
    {
        var (value, fromFile) = s.Get("hosts");
        if (HostListReader.IsAll(value) || HoconValues.KindOf(value) != HoconKind.List) return HostListReader.Read(s, "hosts", hostCount);
        var hosts = new List<int>();
        var elements = HoconValues.Elements(value);
        for (var i = 0; i < elements.Count; i++)
        {
            var text = HoconValues.KindOf(elements[i]) == HoconKind.Scalar ? HoconValues.Text(elements[i]).Trim() : "";
            // Not a plain index (a range "a-b", a negative or bad entry): the sorted, distinct reading accepts or reports it.
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var h)) return HostListReader.Read(s, "hosts", hostCount);
            if (hostCount is { } n && h >= n)
            {
                s.Report($"hosts[{i}]", fromFile, $"host '{text}' is out of range: the topology has {n} hosts, 0-{n - 1} (leaves * hosts-per-leaf)");
                return null;
            }
            hosts.Add(h);
        }
        if (hosts.Count == 0) s.Report("hosts", fromFile, "the list of hosts is empty; list at least one host, or write all");
        return hosts.Count == 0 ? null : hosts;
    }

    private (long Start, long Stop)? ReadStartStop(ScenarioSection s)
    {
        var ok = s.TryTime("start", 0, out var start);
        if (ok && context.DurationPs is { } d)
            ok = s.Check(start < d, "start", s.Get("start").FromFile, $"start {ScenarioHoconWriter.Time(start)} is not before the end of the scenario (duration = {ScenarioHoconWriter.Time(d)})");
        if (!s.TryText("stop", out var stopText, out var stopFromFile)) return null;
        if (stopText.Length == 0) return ok ? (start, long.MaxValue) : null;
        if (!s.TryTime("stop", 0, out var stop)) return null;
        ok &= s.Check(stop > start, "stop", stopFromFile, $"stop {stopText} must be after start {ScenarioHoconWriter.Time(start)}");
        return ok ? (start, stop) : null;
    }

    private static bool TryName(ScenarioSection s, out string name)
    {
        if (!s.TryText("name", out name, out var fromFile)) return false;
        if (name.Length == 0) { s.Report("name", fromFile, "missing: every template needs a name (its VMs or containers are NAME-0, NAME-1, ...)"); return false; }
        var valid = char.IsAsciiLetter(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
        return s.Check(valid, "name", fromFile, $"'{name}' is not a valid name: {NameRule}");
    }

    private static List<string>? ReadNames(ScenarioSection s, string key)
    {
        var (value, fromFile) = s.Get(key);
        if (HoconValues.KindOf(value) != HoconKind.List)
        {
            s.Report(key, fromFile, $"expected a list of VM names or VM template names such as [\"web-0\", db], found {HoconValues.Describe(value)}");
            return null;
        }
        var names = new List<string>();
        var elements = HoconValues.Elements(value);
        for (var i = 0; i < elements.Count; i++)
        {
            var text = HoconValues.KindOf(elements[i]) == HoconKind.Scalar ? HoconValues.Text(elements[i]).Trim() : "";
            if (text.Length == 0) { s.Report($"{key}[{i}]", fromFile, $"expected a VM name, found {HoconValues.Describe(elements[i])}"); return null; }
            names.Add(text);
        }
        return names;
    }

    private static List<PublishedPort>? ReadPublish(ScenarioSection s)
    {
        var (value, fromFile) = s.Get("publish");
        if (HoconValues.KindOf(value) != HoconKind.List)
        {
            s.Report("publish", fromFile, $"expected a list of ports such as [\"8080:80\", \"5353:53/udp\"], found {HoconValues.Describe(value)}");
            return null;
        }
        var ports = new List<PublishedPort>();
        var elements = HoconValues.Elements(value);
        for (var i = 0; i < elements.Count; i++)
        {
            var text = HoconValues.KindOf(elements[i]) == HoconKind.Scalar ? HoconValues.Text(elements[i]).Trim() : "";
            if (!TryParsePublish(text, out var port))
            {
                s.Report($"publish[{i}]", fromFile, $"expected \"HOST:CONTAINER\" or \"HOST:CONTAINER/udp\" (or /tcp) with ports 1-65535, got '{text}'");
                return null;
            }
            if (ports.Any(p => p.HostPort == port.HostPort && p.Protocol == port.Protocol))
            {
                s.Report($"publish[{i}]", fromFile, $"host port {port.HostPort} is published twice");
                return null;
            }
            ports.Add(port);
        }
        return ports;
    }

    /// <summary>subnet: "" (the address plan) or "A.B.C.D/N" with N from 8 to 30 and no host bits set.</summary>
    private static bool TrySubnet(ScenarioSection s, out Ipv4Subnet? subnet)
    {
        subnet = null;
        if (!s.TryText("subnet", out var text, out var fromFile)) return false;
        if (text.Length == 0) return true;
        if (TryParseSubnet(text, out var parsed))
        {
            subnet = parsed;
            return true;
        }
        s.Report("subnet", fromFile, $"expected an IPv4 subnet such as \"10.20.0.0/16\" (prefix 8 to 30, no host bits set), got '{text}'");
        return false;
    }

    internal static bool TryParseSubnet(string text, out Ipv4Subnet subnet)
    {
        subnet = default;
        var slash = text.IndexOf('/');
        if (slash < 0 || !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix < 8 || prefix > 30)
            return false;
        var parts = text[..slash].Split('.');
        if (parts.Length != 4) return false;
        uint ip = 0;
        foreach (var part in parts)
        {
            if (!byte.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var b)) return false;
            ip = (ip << 8) | b;
        }
        var hostBits = (1u << (32 - prefix)) - 1;
        if ((ip & hostBits) != 0) return false;
        subnet = new Ipv4Subnet(ip, prefix);
        return true;
    }

    internal static bool TryParsePublish(string text, out PublishedPort port)
    {
        port = new PublishedPort(0, 0, PacketHeaders.Udp);
        var protocol = PacketHeaders.Udp;
        var slash = text.IndexOf('/');
        if (slash >= 0)
        {
            var p = text[(slash + 1)..];
            if (p == "tcp") protocol = PacketHeaders.Tcp;
            else if (p != "udp") return false;
            text = text[..slash];
        }
        var colon = text.IndexOf(':');
        if (colon < 0) return false;
        if (!ushort.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var host) || host == 0) return false;
        if (!ushort.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var container) || container == 0) return false;
        port = new PublishedPort(host, container, protocol);
        return true;
    }

    /// <summary>
    /// Template names are unique over VMs and containers, and no template is named like another's VM or container
    /// (web-1 of web): entity names, paths and the names generators use derive from them. Each name comes with its own
    /// section: templates that did not read are left out of both.
    /// </summary>
    private static bool CheckNames(List<(ScenarioSection Section, string Name, int Count)> named)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var ok = true;
        foreach (var (section, name, _) in named)
        {
            if (!seen.Add(name))
            {
                section.Report("name", true, $"the name '{name}' is used by another VM or container template; names must be unique");
                ok = false;
                continue;
            }
            var dash = name.LastIndexOf('-');
            if (dash > 0 && int.TryParse(name.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal)
                && named.FirstOrDefault(t => t.Name == name[..dash] && ordinal < t.Count) is { Section: not null } owner)
            {
                section.Report("name", true, $"the name '{name}' is the name of {owner.Name}'s VM or container {ordinal}; choose another");
                ok = false;
            }
        }
        return ok;
    }

    private static bool TryFraction(ScenarioSection s, string key, out double value)
    {
        value = 0;
        if (!s.TryText(key, out var text, out var fromFile)) return false;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && value >= 0 && value <= 1) return true;
        s.Report(key, fromFile, $"expected a share from 0 to 1 (0.25 = a quarter of one vCPU), got '{text}'");
        return false;
    }

    private static CostSettings? ReadCosts(ScenarioSection c)
    {
        var st = c.Child("stack");
        var ok = TryStep(st, "send", out var send) & TryStep(st, "receive", out var receive) & TryStep(st, "app", out var app);
        var nic = c.Child("nic");
        ok &= nic.TryTime("tx-latency", 0, out var tx) & nic.TryTime("rx-latency", 0, out var rx);
        var hp = c.Child("host-path");
        ok &= TryStep(hp, "nic-receive", out var nicReceive) & TryStep(hp, "nic-transmit", out var nicTransmit) & TryStep(hp, "ip-forward", out var ipForward)
            & TryStep(hp, "bridge-forward", out var bridge);
        var h = c.Child("hypervisor");
        var kvm = ReadHypervisor(HypervisorKind.Kvm, h.Child("kvm"));
        var xen = ReadHypervisor(HypervisorKind.Xen, h.Child("xen"));
        var esxi = ReadHypervisor(HypervisorKind.Esxi, h.Child("esxi"));
        var v = c.Child("vnic");
        var vhostNet = ReadVnic(v.Child("vhost-net"), kicks: true);
        var qemu = ReadVnic(v.Child("qemu"), kicks: true);
        var vhostUser = ReadVnic(v.Child("vhost-user"), kicks: false);
        var k = c.Child("container");
        ok &= TryStep(k, "veth", out var veth) & TryStep(k, "macvlan", out var macvlan) & TryStep(k, "nat", out var nat)
            & TryStep(k, "conntrack-lookup", out var lookup) & TryStep(k, "conntrack-new", out var created);
        var r = c.Child("runtime");
        var docker = ReadRuntime(ContainerRuntime.Docker, r.Child("docker"));
        var lxc = ReadRuntime(ContainerRuntime.Lxc, r.Child("lxc"));
        var vf = c.Child("vf");
        ok &= TryStep(vf, "driver-rx", out var driverRx) & TryStep(vf, "driver-tx", out var driverTx);
        if (!ok || kvm is null || xen is null || esxi is null || vhostNet is null || qemu is null || vhostUser is null || docker is null || lxc is null)
            return null;
        return new CostSettings(new StackCosts(send, receive, app), tx, rx, new HostPathCosts(nicReceive, nicTransmit, ipForward, bridge), kvm, xen, esxi,
            vhostNet, qemu, vhostUser, new ContainerNetworkCosts(veth, macvlan, nat, lookup, created), docker, lxc,
            new VfCosts(driverRx, driverTx));
    }

    private static HypervisorProfile? ReadHypervisor(HypervisorKind kind, ScenarioSection s)
    {
        var ok = TryCycles(s, "kick", out var kick) & TryCycles(s, "exit-to-user", out var toUser) & TryCycles(s, "vcpu-wake", out var wake)
            & TryCycles(s, "injection", out var injection) & TryCycles(s, "eoi-exit", out var eoi) & TryCycles(s, "timer-exit", out var timer);
        ok &= s.TryBoolean("posted-interrupts", out var posted);
        ok &= TryCycles(s, "posted-injection", out var postedInjection);
        ok &= TryCycles(s, "boot-cycles", out var bootCycles);
        ok &= s.TryTime("boot-delay", 0, out var bootDelay);
        return ok ? new HypervisorProfile(kind, kick, toUser, wake, injection, eoi, timer, posted, postedInjection, bootCycles, bootDelay) : null;
    }

    private static VnicCosts? ReadVnic(ScenarioSection s, bool kicks)
    {
        var ok = TryStep(s, "to-guest", out var to) & TryStep(s, "to-guest-user", out var toUser)
            & TryStep(s, "from-guest", out var from) & TryStep(s, "from-guest-user", out var fromUser);
        return ok ? new VnicCosts(to, toUser, from, fromUser, kicks) : null;
    }

    private static RuntimeProfile? ReadRuntime(ContainerRuntime runtime, ScenarioSection s)
    {
        var ok = s.TryTime("netns-setup", 0, out var netns);
        ok &= s.TryTime("start-delay", 0, out var delay);
        return ok ? new RuntimeProfile(runtime, netns, delay) : null;
    }

    /// <summary>A step { cycles = N, per-byte = X }: whole cycles per packet (at least 0) and cycles per payload byte (at least 0).</summary>
    private static bool TryStep(ScenarioSection parent, string key, out StepCost cost)
    {
        cost = StepCost.Free;
        var s = parent.Child(key);
        var ok = TryCycles(s, "cycles", out var cycles);
        if (!s.TryText("per-byte", out var text, out var fromFile)) return false;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var perByte) || !double.IsFinite(perByte) || perByte < 0)
        {
            s.Report("per-byte", fromFile, $"expected cycles per payload byte, a number at least 0 (such as 0.5), got '{text}'");
            return false;
        }
        cost = new StepCost(cycles, perByte);
        return ok;
    }

    private static bool TryCycles(ScenarioSection s, string key, out long cycles)
    {
        cycles = 0;
        if (!s.TryText(key, out var text, out var fromFile)) return false;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out cycles)) return true;
        s.Report(key, fromFile, $"expected a whole number of cycles, at least 0, got '{text}'");
        return false;
    }
}
