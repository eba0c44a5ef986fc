using DcSim.ActorsHost.Endpoints;
using DcSim.ActorsHost.Migration;
using DcSim.ActorsHost.Tcp;
using DcSim.ActorsHost.Settings;
using DcSim.ActorsHost.Shell;
using DcSim.ActorsHost.Sriov;
using DcSim.ActorsHost.Traffic;
using DcSim.ActorsHost.Virtualization;
using DcSim.ActorsNetwork.Bridges;
using DcSim.ActorsNetwork.Fabric;
using DcSim.ActorsNetwork.Links;
using DcSim.ActorsNetwork.Nat;
using DcSim.ActorsNetwork.OpenFlow;
using DcSim.ActorsNetwork.Ovs;
using DcSim.ActorsNic;
using DcSim.SimCore.Components;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Randomness;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Wire;
using NatPublishedPort = DcSim.ActorsNetwork.Nat.PublishedPort;

namespace DcSim.ActorsHost.Servers;

/// <summary>
/// Assembles one server LP from the scenario: the NIC, the host kernel (its own stack and the containers that share
/// it), an optional Open vSwitch, and with VMs the switch they attach to (a Linux bridge or the vSwitch) with each
/// VM's virtio NIC and guest kernel (its stack and its containers). See docs/architecture.md for the wiring.
/// </summary>
/// <remarks>
/// Components are added in a fixed order — the NIC first, as component <see cref="FabricBuilder.ServerNic"/> where
/// the leaf delivers frames, then the host kernel, the switches, then the VMs in plan order — so that indices and the
/// order of first events are the same in every process. The components of a VM or a container belong to its entity
/// (<see cref="Component.BelongTo"/>): their events are ordered by the entity's own source, whatever server holds it.
/// </remarks>
/// <param name="lpNames">The LPs' names, made once for the partition: a server's name is also its leaf port's peer name.</param>
/// <param name="profiles">The profiles of the partition's ports: the NICs' wires share one per kind of link.</param>
internal sealed partial class ServerBuilder(ScenarioSettings scenario, FabricLayout layout, EndpointDirectory directory, IReadOnlyList<string> lpNames,
    PortProfiles profiles)
{
    /// <summary>The vSwitch's OpenFlow ports: the NIC, the host's own traffic, then one per VM.</summary>
    public const int UplinkPort = 1;
    public const int LocalPort = 2;
    public const int FirstVmPort = 3;

    /// <summary>The VMs' Linux bridge: port 0 to the NIC, 1 to the host kernel, 2.. the VMs.</summary>
    private const int BridgeUplink = 0;
    private const int BridgeHost = 1;

    private readonly DatacenterSettings _dc = scenario.Datacenter();
    private TcpContext? _tcpContext;
    /// <summary>Shared by every endpoint of the partition: the stack's settings and the ideal transfer times over this fabric.</summary>
    private TcpContext Tcp => _tcpContext ??= new TcpContext(_dc.Tcp, new IdealTransfer(_dc.Topology, _dc.Plan.ServerOf));
    private StackContext? _stacks, _freeStacks;
    /// <summary>What the partition's stacks share, with the stack's costs or free ones.</summary>
    private StackContext Stacks => Free
        ? _freeStacks ??= new StackContext(directory, _dc.Generators, scenario.Seed, StackCosts.Free, Tcp)
        : _stacks ??= new StackContext(directory, _dc.Generators, scenario.Seed, Costs.Stack, Tcp);
    private VirtualizationSettings V => _dc.Virtualization;
    private VfAllocation? _vfAllocation;
    private VfAllocation Vfs => _vfAllocation ??= new VfAllocation(Plan);
    private EntityPlan Plan => _dc.Plan;
    private CostSettings Costs => V.Costs;
    /// <summary>Whether the server being built charges nothing for its stacks (servers' or its group's stack-costs = free).</summary>
    private bool Free => _free;
    private bool _free;

    /// <summary>The VMs on their way between two servers of this partition, and the servers' docks.</summary>
    private readonly MigrationHandoff _handoff = new();
    private readonly FabricAnnouncer _announcer = new(layout.Graph);
    /// <summary>Where the parts of each VM of the server being built are, by entity (filled by BuildVm): what moving it takes is made from them.</summary>
    private readonly Dictionary<int, BuiltVm> _builtVms = [];
    /// <summary>The containers of the server being built that move on their own, by entity (filled by BuildKernel).</summary>
    private readonly Dictionary<int, ResidentContainer> _movingContainers = [];

    private ShellNames? _names;
    /// <summary>What the shell's directives may name, shared by the partition's servers.</summary>
    private ShellNames Names => _names ??= new ShellNames(layout.Graph, Plan);

    private CpuModel? _cpuModel;
    /// <summary>The servers' cores and clock, shared by the partition's servers.</summary>
    private CpuModel CpuModel => _cpuModel ??= new CpuModel(_dc.Server.Cores, _dc.Server.ClockHz, _dc.Server.IdleExitPs, _dc.Server.IdleThresholdPs,
        _dc.Server.MaxBacklog);

    private NicLatency? _nicLatency;
    /// <summary>The NICs' own latencies, shared by the partition's NICs that have them.</summary>
    private NicLatency NicLatency => _nicLatency ??= new NicLatency(Costs.NicTxLatencyPs, Costs.NicRxLatencyPs);

    private ServerShell? _shell;
    /// <summary>The shell, shared by the partition's servers.</summary>
    private ServerShell Shell => _shell ??= new ServerShell(Names, Migrate);

    private ShellMigrate? _migrate;
    /// <summary>The shell's migrations, shared by the partition's servers.</summary>
    private ShellMigrate Migrate => _migrate ??= new ShellMigrate(_dc, Vfs, layout.Graph, [.. Enumerable.Range(0, layout.Graph.ServerCount).Select(SwitchesVms)]);

    /// <summary>Whether a server has a switch VMs attach to: VMs placed on it that have no VF of their own, or VMs that migrate to it.</summary>
    private bool SwitchesVms(int host) =>
        Plan.OnServer(host).ToArray().Any(e => Plan.Entity(e).Kind == EntityKind.Vm && Vfs.VnicOf(e) != VnicBackend.Vf)
        || _dc.Migrations.Any(m => m.ToServer == host && m.Container is null);

    /// <summary>Entities take the event-source ids after the model's LPs.</summary>
    private int EntitySource(int entity) => layout.LpCount + entity;

    public Server Build(int host)
    {
        _free = V.FreeStacks || V.Profiles[host].FreeStacks;
        var name = lpNames[host];
        var cpu = new ServerCpu(CpuModel);
        var server = new Server(host, name, cpu) { Shell = Shell };
        var entities = Plan.OnServer(host).ToArray();
        var vms = entities.Where(e => Plan.Entity(e).Kind == EntityKind.Vm).ToList();
        // VMs with a VF hang off the NIC itself; the others (and those that found no VF left among them) attach to the host's
        // switch; bonded ones (vf-bond) do both.
        var vfVms = Vfs.WithVfOn(host).ToList();
        vms = vms.Where(e => Vfs.VnicOf(e) != VnicBackend.Vf).ToList();
        var arrivals = _dc.Migrations.Where(m => m.ToServer == host && m.Container is null).ToList();
        var containerArrivals = _dc.Migrations.Where(m => m.ToServer == host && m.Container is not null).ToList();
        // A bonded VM that migrates here gets a VF of its own if one is left (plugged in once it runs here), else only its backup.
        var vfArrivals = V.Profiles[host].Sriov is { } nicModel
            ? arrivals.Where(m => Plan.VmTemplateOf(m.Entity).Vnic == VnicBackend.VfBond).Take(Math.Max(0, nicModel.MaxVfs - vfVms.Count)).ToList()
            : [];
        var sriov = V.Profiles[host].Sriov is { } model ? BuildSriovNic(name, host, model, [.. vfVms, .. vfArrivals.Select(m => m.Entity)]) : null;
        for (var i = 0; i < vfArrivals.Count; i++) sriov!.DetachVf(vfVms.Count + i);
        // A VM that arrives without a VF is behind the PF: the NIC's switch must send its local VFs' frames for it there.
        foreach (var m in arrivals.Where(m => !vfArrivals.Contains(m)).Concat(containerArrivals)) sriov?.AddPfAddress(directory[Plan.Entity(m.Entity).Endpoint].Mac);
        Component nic = sriov ?? (Component)new PhysicalNic(new ComponentPath(name, "nic0"), Free ? NicLatency.None : NicLatency);
        server.Add(nic);
        if (nic.Index != FabricBuilder.ServerNic) throw new InvalidOperationException($"{name}: the NIC must be component {FabricBuilder.ServerNic}");
        var desk = Desk(server, host, arrivals.Count + containerArrivals.Count);
        if (sriov is not null) server.Add(new VfAssignment($"{name}/vf-assignment", Vfs.AskingOn(host).Select(e => (Plan.NameOf(e), vfVms.IndexOf(e))).ToList()));
        var nicHostPort = sriov is null ? PhysicalNic.HostPort : SriovNic.PfPort;
        var startup = new StartupContention(cpu);
        var hostCores = new HostCores(cpu);
        // The host kernel's network path (its stack, NAT, docker0, veths, its containers' sockets) runs on its network core,
        // as one softirq context would: a simplification of RSS/RFS that keeps a flow's hops on one core.
        // Under OVS's userspace datapath the first datapath-cores cores are the PMDs' (isolated): the network core is the next.
        var vs = _dc.Server.VSwitch;
        var networkCore = new HostCores(cpu, vs.Enabled && vs.Datapath == VSwitchDatapath.Netdev ? vs.DatapathCores : 0, 1);
        var hostKernel = new KernelSpec(name, host, networkCore, networkCore, CpuCategory.HostKernel, CpuCategory.HostUser,
            null, null, EndpointResults.HostStackKind);
        var hasVms = SwitchesVms(host);
        // A container that arrives needs the kernel's router, as one planned here would.
        var (up, upPort, hostStack) = BuildKernel(server, hostKernel, entities.Where(e => Plan.Entity(e) is { Kind: EntityKind.Container, ParentVm: < 0 }), startup,
            onSharedSegment: hasVms || containerArrivals.Count > 0);
        var vswitch = _dc.Server.VSwitch.Enabled ? server.Add(BuildVSwitch(name, host, cpu, vms, arrivals.Count)) : null;
        var graph = layout.Graph;
        var edge = graph.SwitchLp(graph.SwitchOf(host));
        var (link, queue) = (graph.LinkOf(host), _dc.Topology.HostQueue);
        // PhysicalNic and SriovNic both take their transmitter's "done" timer as timer 0.
        var profile = profiles.Of(link.Rate, link.DelayPs, queue.Limit, nic.Index, PhysicalNic.TransmitDoneTimer, 0, lpNames);
        var wire = new OutputPort(server, profile, 0, (edge, graph.PortOf(host)), queue.Ecn, scenario.Seed, queue.TracePs);
        if (sriov is null) ((PhysicalNic)nic).ConnectWire(wire);
        else sriov.ConnectWire(wire);
        for (var i = 0; i < vfVms.Count; i++)
            if (Vfs.VnicOf(vfVms[i]) == VnicBackend.Vf) BuildVm(server, name, vfVms[i], nic, SriovNic.VfPort(i), startup, hostCores);
        // The MACs behind the PF's switch (VMs on the bridge or vSwitch, macvlan containers outside VF VMs) go in the PF's
        // filter, so that VFs reach them inside the NIC.
        if (sriov is not null)
            foreach (var e in entities.Where(e => !vfVms.Contains(e) && !vfVms.Contains(Plan.Entity(e).ParentVm)
                && (Plan.Entity(e).Kind == EntityKind.Vm || Plan.ContainerTemplateOf(e).Network == ContainerNetwork.Macvlan)))
                sriov.AddPfAddress(directory[Plan.Entity(e).Endpoint].Mac);
        if (!hasVms)
        {
            if (vswitch is null) server.Connect(up, upPort, nic, nicHostPort);
            else
            {
                server.Connect(up, upPort, vswitch, LocalPort);
                server.Connect(vswitch, UplinkPort, nic, nicHostPort);
            }
            ObserveMigrations(server, host, desk);
            BuildContainerMoves(server, host, hostStack, up, networkCore, startup, null, containerArrivals, desk);
            return server;
        }
        // With VMs the NIC's driver feeds a switch; the host kernel is one of its ports. Under OVS's userspace datapath the
        // NIC is a DPDK port that the PMD threads poll: its receive and transmit are in the datapath's per-packet cycles.
        var ovsForVms = V.Profiles[host].VmSwitch == VmSwitchKind.Ovs;
        var pmdPolledNic = ovsForVms && _dc.Server.VSwitch.Datapath == VSwitchDatapath.Netdev;
        var nicReceive = pmdPolledNic ? StepCost.Free : Step(Costs.HostPath.NicReceive);
        // On an SR-IOV NIC the host's receive work (interrupt, NAPI) is the PF's ring driver's, so the PF's ring drains at the
        // host's pace; charged there instead of in nic0-driver, it is charged once either way.
        sriov?.AttachDriver(SriovNic.PfPort, new RingDriver(hostCores, nicReceive, CpuCategory.HostKernel));
        var driver = server.Add(new CpuHop($"{name}/nic0-driver", "driver", hostCores, CpuCategory.HostKernel,
            sriov is null ? nicReceive : StepCost.Free, pmdPolledNic ? StepCost.Free : Step(Costs.HostPath.NicTransmit)));
        server.Connect(nic, nicHostPort, driver, CpuHop.PortA);
        Component vmSwitch;
        int switchUplink, switchHost, firstVmPort;
        if (ovsForVms)
        {
            (vmSwitch, switchUplink, switchHost, firstVmPort) = (vswitch!, UplinkPort, LocalPort, FirstVmPort);
            server.Connect(up, upPort, vmSwitch, switchHost);
        }
        else
        {
            vmSwitch = server.Add(new LinuxBridge($"{name}/br0", $"{name}:br0", 2 + vms.Count + arrivals.Count, BridgeSettings.Linux, hostCores, CpuCategory.HostKernel,
                Step(Costs.HostPath.BridgeForward)));
            (switchUplink, switchHost, firstVmPort) = (BridgeUplink, BridgeHost, BridgeHost + 1);
            if (vswitch is null) server.Connect(up, upPort, vmSwitch, switchHost);
            else
            {
                server.Connect(up, upPort, vswitch, LocalPort);
                server.Connect(vswitch, UplinkPort, vmSwitch, switchHost);
            }
        }
        server.Connect(driver, CpuHop.PortB, vmSwitch, switchUplink);
        var bonds = vms.Select((vm, i) => BuildVm(server, name, vm, vmSwitch, firstVmPort + i, startup, hostCores,
            sriov is not null && vfVms.IndexOf(vm) is var vf and >= 0 ? (sriov, vf) : null)).ToList();
        if (vmSwitch is LinuxBridge br0)
        {
            // What ARP and the guests' announcements (a gratuitous ARP at boot) teach a bridge before traffic flows.
            br0.Fdb.Learn(directory[host].Mac, switchHost, 0);
            br0.UnknownUnicastPort = switchUplink;
            for (var i = 0; i < vms.Count; i++)
                if (bonds[i] is { } bond) Announce(bond, br0, directory[Plan.Entity(vms[i]).Endpoint].Mac, switchUplink, firstVmPort + i);
                else br0.Fdb.Learn(directory[Plan.Entity(vms[i]).Endpoint].Mac, firstVmPort + i, 0);
            foreach (var (mac, vm) in MacvlanBehind(host, vms)) br0.Fdb.Learn(mac, vm < 0 ? switchHost : firstVmPort + vm, 0);
        }
        var hostSwitch = vmSwitch is LinuxBridge bridge
            ? new HostSwitch(bridge, switchUplink, (mac, port, now) => bridge.Fdb.Learn(mac, port, now))
            : new HostSwitch(vmSwitch, switchUplink, (mac, port, now) => ((VSwitchComponent)vmSwitch).VSwitch.LearnMac(mac, (uint)port, now));
        BuildMigrations(server, host, hostSwitch, hostStack, hostCores, firstVmPort + vms.Count, arrivals,
            sriov is null ? [] : vfArrivals.Select((m, i) => (m.Index, vfVms.Count + i)).ToDictionary(), sriov, ObserveMigrations(server, host, desk), desk, startup,
            vms);
        BuildContainerMoves(server, host, hostStack, up, networkCore, startup, (hostSwitch, switchHost), containerArrivals, desk);
        return server;
    }

    /// <summary>
    /// The server's SR-IOV NIC: the PF (the server's MAC) takes every frame no VF claims, as the plain NIC passes all to the
    /// host, and is interrupted per frame so the host path keeps its own costs and timing; VF n is the n-th VF VM's.
    /// </summary>
    private SriovNic BuildSriovNic(string name, int host, SriovNicModel model, List<int> vfVms)
    {
        var posted = V.Profiles[host].Hypervisor != HypervisorKind.None && Costs.Hypervisor(V.Profiles[host].Hypervisor).PostedInterrupts;
        var vfs = vfVms.Select(vm => Plan.VmTemplateOf(vm).VfSetup.For(directory[Plan.Entity(vm).Endpoint].Mac, posted)).ToList();
        return new SriovNic($"{name}/nic0", model, new PfSettings(directory[host].Mac, Promiscuous: true, InterruptCoalescing.PerFrame), vfs);
    }

    /// <summary>
    /// A VM: its vNIC — a virtio NIC on <paramref name="attachPort"/> of the host's switch, or a VF of the SR-IOV NIC whose
    /// port is wired straight to the guest kernel, its receive ring drained by the guest's driver on the vCPUs, or both
    /// bonded (<paramref name="bondVf"/>: the NIC and the VF) — and its guest kernel. Returns the bond of a bonded VM.
    /// </summary>
    private GuestBond? BuildVm(Server server, string serverName, int entity, Component attachTo, int attachPort, StartupContention startup,
        HostCores hostCores, (SriovNic Nic, int Vf)? bondVf = null)
    {
        var e = Plan.Entity(entity);
        var template = Plan.VmTemplateOf(entity);
        var path = $"{serverName}/{Plan.NameOf(entity)}";
        var source = new EventSource(EntitySource(entity));
        var cpu = server.Cpu;
        var profile = Costs.Hypervisor(V.Profiles[e.Server].Hypervisor);
        var vcpus = new VcpuSet(cpu, template.Vcpus, e.FirstPinnedCore, template.Pinning == VcpuPinning.Pinned);
        var backend = Vfs.VnicOf(entity);
        var attachmentStart = server.Components.Count;
        Component vnic;
        int guestSide;
        GuestBond? bond = null;
        if (bondVf is { } slot)
        {
            bond = BuildBond(server, path, entity, source, template.Bond!, slot.Nic, slot.Vf,
                VfDriver(server, path, slot.Nic, SriovNic.VfPort(slot.Vf), vcpus, profile),
                VirtioVnic(server, path, attachTo, attachPort, template.Bond!.Backup, vcpus, profile, hostCores));
            (vnic, guestSide) = (bond, GuestBond.GuestPort);
        }
        else if (backend == VnicBackend.Vf)
            (vnic, guestSide) = (VfDriver(server, path, (SriovNic)attachTo, attachPort, vcpus, profile), CpuHop.PortA);
        else
            (vnic, guestSide) = (VirtioVnic(server, path, attachTo, attachPort, backend, vcpus, profile, hostCores), VirtioNic.GuestSide);
        vnic.BelongTo(source);
        var load = template.CpuLoad > 0
            ? new CpuLoad((long)Math.Round(template.CpuSlicePs * (double)cpu.ClockHz / 1e12), (long)Math.Round(template.CpuSlicePs / template.CpuLoad))
            : null;
        // The server's stack-costs as it is now: the boot ends later, after other servers are built.
        var lifecycle = new EndpointLifecycle(template.StartPs, template.StopPs, new VmBoot(startup, Free, template.Vcpus, e.FirstPinnedCore, profile), false, load);
        var kernel = new KernelSpec(path, e.Endpoint, vcpus, vcpus, CpuCategory.GuestKernel, CpuCategory.GuestUser, lifecycle, source, EndpointResults.VmStackKind);
        var containers = Plan.OnServer(e.Server).ToArray().Where(c => Plan.Entity(c).ParentVm == entity).ToList();
        var attachmentEnd = server.Components.Count;
        var (up, upPort, _) = BuildKernel(server, kernel, containers, startup, onSharedSegment: true);
        server.Connect(vnic, guestSide, up, upPort);
        _builtVms[entity] = new BuiltVm(entity, source, attachmentStart, attachmentEnd, server.Components.Count, up, upPort, vcpus, attachTo, attachPort, bond);
        return bond;
    }

    /// <summary>
    /// A VF's guest side, wired to the NIC's <paramref name="vfPort"/>: its receive ring drained on the vCPUs, and its
    /// transmit driver (the hop returned, whose <see cref="CpuHop.PortA"/> faces the guest).
    /// </summary>
    private CpuHop VfDriver(Server server, string path, SriovNic nic, int vfPort, VcpuSet vcpus, HypervisorProfile profile)
    {
        // The interrupt's VM exit: injection and the EOI trap; the NIC skips it when the VF's interrupts are posted.
        nic.AttachDriver(vfPort, new RingDriver(vcpus, Free ? StepCost.Free : Costs.Vf.DriverRx, CpuCategory.GuestKernel,
            Free ? 0 : profile.InjectionCycles + profile.EoiExitCycles));
        // The driver's transmit (descriptor and doorbell) on the sending vCPU, before the NIC's DMA reads the frame.
        var driver = server.Add(new CpuHop($"{path}/vf-driver", "vf-driver", vcpus, CpuCategory.GuestKernel,
            Free ? StepCost.Free : Costs.Vf.DriverTx, StepCost.Free));
        server.Connect(nic, vfPort, driver, CpuHop.PortB);
        return driver;
    }

    /// <summary>A virtio NIC on <paramref name="attachPort"/> of the host's switch; its <see cref="VirtioNic.GuestSide"/> faces the guest.</summary>
    private VirtioNic VirtioVnic(Server server, string path, Component attachTo, int attachPort, VnicBackend backend, VcpuSet vcpus,
        HypervisorProfile profile, HostCores hostCores)
    {
        // A vhost-user backend is the OVS netdev datapath's PMD threads, on the datapath cores.
        Processor processor = backend == VnicBackend.VhostUser ? new HostCores(server.Cpu, 0, _dc.Server.VSwitch.DatapathCores) : hostCores;
        var vnic = server.Add(new VirtioNic($"{path}/eth0", processor, vcpus, Free ? VirtioCosts.Free : Virtio(profile, backend)));
        server.Connect(attachTo, attachPort, vnic, VirtioNic.HostSide);
        return vnic;
    }

    /// <summary>
    /// A kernel: the host's or a VM's — where its stack runs, where its other kernel work runs, and its categories; its lifecycle
    /// (null: running from the start to the end, the host's).
    /// </summary>
    private sealed record KernelSpec(string Path, int Endpoint, Processor StackProcessor, Processor Work, CpuCategory Kernel, CpuCategory User,
        EndpointLifecycle? Lifecycle, EventSource? Source, string Kind);

    /// <summary>
    /// The kernel's own stack and its containers, joined by the kernel's router when there are containers or when the
    /// kernel sits on a segment it shares with others (a bridge port, which floods frames not for it); returns the
    /// component and port that face the network.
    /// </summary>
    private (Component Up, int Port, EndpointStack Stack) BuildKernel(Server server, KernelSpec k, IEnumerable<int> containerEntities, StartupContention startup,
        bool onSharedSegment)
    {
        var own = server.Add(Stack(new ComponentPath(k.Path, "stack"), k.Kind, k.Endpoint, new StackPlacement(k.StackProcessor, k.Kernel, k.User), k.Lifecycle));
        Own(own, k.Source);
        var containers = containerEntities.ToList();
        if (containers.Count == 0 && !onSharedSegment) return (own, EndpointStack.NetworkPort, own);
        var router = server.Add(new EndpointRouter($"{k.Path}/kernel", $"{k.Path}:kernel"));
        Own(router, k.Source);
        server.Connect(router, router.AddPort([k.Endpoint]), own, EndpointStack.NetworkPort);
        var bridged = containers.Where(c => Plan.ContainerTemplateOf(c).Network == ContainerNetwork.Bridge).ToList();
        Component? docker0 = null;
        if (bridged.Count > 0)
        {
            var nat = server.Add(BuildNat(k, bridged));
            Own(nat, k.Source);
            server.Connect(router, router.AddPort(bridged.Select(c => Plan.Entity(c).Endpoint)), nat, NatGateway.OutsidePort);
            docker0 = server.Add(new LinuxBridge($"{k.Path}/docker0", $"{k.Path}:docker0", 1 + bridged.Count, BridgeSettings.Linux, k.Work, k.Kernel,
                Step(Costs.HostPath.BridgeForward)));
            Own(docker0, k.Source);
            server.Connect(nat, NatGateway.InsidePort, docker0, 0);
            // Docker's containers announce themselves when their veth comes up; the NAT side is the gateway.
            var bridge = (LinuxBridge)docker0;
            for (var i = 0; i < bridged.Count; i++) bridge.Fdb.Learn(directory[Plan.Entity(bridged[i]).Endpoint].Mac, 1 + i, 0);
            bridge.UnknownUnicastPort = 0;
        }
        foreach (var c in containers)
        {
            var e = Plan.Entity(c);
            var template = Plan.ContainerTemplateOf(c);
            var path = $"{k.Path}/{Plan.NameOf(c)}";
            var source = new EventSource(EntitySource(c));
            var runtime = Costs.Runtime(template.Runtime);
            var lifecycle = new EndpointLifecycle(template.StartPs, template.StopPs, new ContainerStart(startup, Free, k.Endpoint, runtime),
                waitsForKernel: e.ParentVm >= 0, load: null);
            // A container's sockets are its kernel's: same processor as the kernel's own stack.
            var stack = server.Add(Stack($"{path}/stack", EndpointResults.ContainerStackKind, e.Endpoint, new StackPlacement(k.StackProcessor, k.Kernel, CpuCategory.GuestUser), lifecycle));
            Own(stack, source);
            own.AddGuest(stack);
            switch (template.Network)
            {
                case ContainerNetwork.Bridge:
                    var veth = server.Add(new CpuHop($"{path}/veth", "veth", k.Work, k.Kernel, Step(Costs.Container.Veth), Step(Costs.Container.Veth)));
                    Own(veth, source);
                    server.Connect(stack, EndpointStack.NetworkPort, veth, CpuHop.PortA);
                    server.Connect(veth, CpuHop.PortB, docker0!, 1 + bridged.IndexOf(c));
                    break;
                case ContainerNetwork.Host:
                    server.Connect(router, router.AddPort([e.Endpoint]), stack, EndpointStack.NetworkPort);
                    break;
                case ContainerNetwork.Macvlan:
                    var macvlan = server.Add(new CpuHop($"{path}/macvlan", "macvlan", k.Work, k.Kernel, Step(Costs.Container.Macvlan), Step(Costs.Container.Macvlan)));
                    Own(macvlan, source);
                    server.Connect(router, router.AddPort([e.Endpoint]), macvlan, CpuHop.PortA);
                    server.Connect(macvlan, CpuHop.PortB, stack, EndpointStack.NetworkPort);
                    if (_dc.Migrations.Any(m => m.Entity == c && m.Container is not null))
                        _movingContainers[c] = new ResidentContainer(c, Plan.NameOf(c), e.Endpoint, directory[e.Endpoint].Mac, stack, macvlan, runtime);
                    break;
            }
        }
        return (router, EndpointRouter.UplinkPort, own);
    }

    private NatGateway BuildNat(KernelSpec k, List<int> bridged)
    {
        var byIp = bridged.ToDictionary(c => directory[Plan.Entity(c).Endpoint].Ipv4, c => directory[Plan.Entity(c).Endpoint]);
        var published = bridged.SelectMany(c => Plan.ContainerTemplateOf(c).Publish.Select(p =>
            new NatPublishedPort(p.Protocol, p.HostPort, directory[Plan.Entity(c).Endpoint], p.ContainerPort)));
        var c = Costs.Container;
        var costs = new NatCosts(Step(Costs.HostPath.IpForward + c.Nat), Step(c.ConntrackLookup), Step(c.ConntrackNew));
        return new NatGateway($"{k.Path}/nat", $"{k.Path}:nat", NatSettings.Linux, directory[k.Endpoint], published,
            ContainerByIp(byIp), k.Work, k.Kernel, costs);

        // Static, so that the lookup holds the table alone, not the builder (a VM's NAT travels with it when it migrates).
        static Func<uint, EndpointAddress?> ContainerByIp(Dictionary<uint, EndpointAddress> byIp) => ip => byIp.TryGetValue(ip, out var a) ? a : null;
    }

    private EndpointStack Stack(ComponentPath path, string kind, int endpoint, StackPlacement placement, EndpointLifecycle? lifecycle) =>
        new(path, kind, endpoint, Stacks, g => g.RunsOn(endpoint), placement, lifecycle);

    private StepCost Step(StepCost cost) => Free ? StepCost.Free : cost;

    private static void Own(Component component, EventSource? source)
    {
        if (source is not null) component.BelongTo(source);
    }

    /// <summary>
    /// A vNIC's costs from its backend and the hypervisor: the kick exits (to user space for QEMU; none towards a polling
    /// PMD), and interrupt delivery (waking the vCPU, entry with injection, the EOI exit unless posted, the timer exit).
    /// </summary>
    private VirtioCosts Virtio(HypervisorProfile h, VnicBackend backend)
    {
        var v = Costs.Vnic(backend);
        var kick = v.Kicks ? h.KickCycles + (backend == VnicBackend.Qemu ? h.ExitToUserCycles : 0) : 0;
        var interrupt = h.VcpuWakeCycles + (h.PostedInterrupts ? h.PostedInjectionCycles : h.InjectionCycles + h.EoiExitCycles) + h.TimerExitCycles;
        return new VirtioCosts(v.ToGuestKernel, v.ToGuestUser, v.FromGuestKernel, v.FromGuestUser, kick, interrupt);
    }

    /// <summary>The vSwitch rules of a server, freshly parsed, or null without vSwitches.</summary>
    public static RuleFile? VSwitchRules(ScenarioSettings scenario)
    {
        var dc = scenario.Datacenter();
        var v = dc.Server.VSwitch;
        if (!v.Enabled) return null;
        if (v.RulesFile.Length > 0) return RuleFileParser.ParseFile(scenario.ResolvePath(v.RulesFile));
        // VMs on the vSwitch need a learning switch; a bare host only its two ports.
        return dc.Plan.Entities.Any(e => e.Kind == EntityKind.Vm && dc.Virtualization.Profiles[e.Server].VmSwitch == VmSwitchKind.Ovs)
            ? PipelineSlowPath.NormalSwitching()
            : PipelineSlowPath.HostForwarding();
    }

    /// <summary>The scenario's timed rule changes, parsed (errors name the change's position and token).</summary>
    public static List<(long At, Func<FlowTables, long, RuleSetChange> Apply)> RuleChangesOf(ScenarioSettings scenario) =>
        scenario.Datacenter().Server.VSwitch.RuleChanges
            .Select((c, i) => (c.AtPs, RuleChanges.Compile(c, $"topology.vswitch.rule-changes[{i}] '{c.Rule}'"))).ToList();

    /// <summary>
    /// What the VMs' announcements at boot (a gratuitous ARP) and ARP replies from other servers teach an OVS that switches
    /// VMs, as br0 is taught: each VM's MAC on its port, the host's on LOCAL, and every other unicast MAC behind the uplink.
    /// </summary>
    private void Announce(Pipeline pipeline, int host, List<int> vms)
    {
        var macs = pipeline.MacTable!;
        macs.Learn(directory[host].Mac, 0, LocalPort, 0);
        for (var i = 0; i < vms.Count; i++) macs.Learn(directory[Plan.Entity(vms[i]).Endpoint].Mac, 0, (uint)(FirstVmPort + i), 0);
        foreach (var (mac, vm) in MacvlanBehind(host, vms)) macs.Learn(mac, 0, vm < 0 ? LocalPort : (uint)(FirstVmPort + vm), 0);
        pipeline.UnknownUnicastPort = UplinkPort;
    }

    /// <summary>
    /// The macvlan containers behind a switch of <paramref name="host"/> (each has a MAC of its own): its MAC, and the index
    /// in <paramref name="switchVms"/> of the VM it is in, or -1 when it is on the host. Those inside a VM that is not on the
    /// switch (a VF VM's) are not behind it.
    /// </summary>
    private IEnumerable<(ulong Mac, int Vm)> MacvlanBehind(int host, List<int> switchVms)
    {
        foreach (var c in Plan.OnServer(host).ToArray())
        {
            if (Plan.Entity(c).Kind != EntityKind.Container || Plan.ContainerTemplateOf(c).Network != ContainerNetwork.Macvlan) continue;
            var parent = Plan.Entity(c).ParentVm;
            var vm = parent < 0 ? -1 : switchVms.IndexOf(parent);
            if (parent < 0 || vm >= 0) yield return (directory[Plan.Entity(c).Endpoint].Mac, vm);
        }
    }

    /// <param name="arrivals">VMs that migrate here: each gets a port of its own, after the VMs planned here.</param>
    private VSwitchComponent BuildVSwitch(string name, int host, ServerCpu cpu, List<int> switchVms, int arrivals)
    {
        var o = _dc.Server.VSwitch;
        var settings = new VSwitchSettings(o.Profile, o.DatapathCores, o.HandlerCores, o.RevalidatePeriodPs, o.MaxIdlePs,
            o.MaxIdleOverLimitPs, o.CyclesPerRevalidatedFlow);
        var ports = new List<uint> { UplinkPort, LocalPort };
        if (V.Profiles[host].VmSwitch == VmSwitchKind.Ovs)
            for (var i = 0; i < switchVms.Count + arrivals; i++) ports.Add((uint)(FirstVmPort + i));
        // Every server parses its own copy: rules carry counters and belong to one vSwitch's tables.
        var slowPath = new PipelineSlowPath(VSwitchRules(scenario)!, ports, learn: true);
        if (V.Profiles[host].VmSwitch == VmSwitchKind.Ovs) Announce(slowPath.Pipeline, host, switchVms);
        var vswitch = new VSwitch(settings, slowPath, cpu, RandomStreams.Create(scenario.Seed, host, "vswitch"));
        return new VSwitchComponent($"{name}/vswitch", $"{name}:vswitch", vswitch, o.RevalidatePeriodPs, RuleChangesOf(scenario));
    }
}
