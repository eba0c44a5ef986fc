using DcSim.SimCore.Components;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsNic;

/// <summary>
/// An SR-IOV NIC: one physical port on the wire, the physical function (<see cref="PfPort"/>, the host's stack or its
/// vSwitch uplink) and virtual functions (<see cref="VfPort"/>, each wired to a guest's driver), joined by the NIC's
/// embedded L2 switch. Frames go between functions inside the NIC without touching the wire; every function has its
/// own receive ring, filled by DMA and drained by its driver after an interrupt.
/// </summary>
/// <remarks>
/// <para>
/// Transmit (a frame arriving at a function's port): anti-spoof check (VFs), a transmit descriptor, the DMA read over
/// PCIe (shared by all functions, one frame at a time at <see cref="SriovNicModel.DmaRate"/>, then the DMA latency),
/// the VF's rate limit (a shaper at its rate: frames wait, none are dropped for the limit), the port VLAN tag, then
/// the switch. The descriptor is free when the frame reaches the switch; a frame posted to a full transmit ring is
/// dropped ("PATH/vfN:tx-ring-full").
/// </para>
/// <para>
/// The switch (a VEB, as on the 82599 and XL710) classifies by destination MAC and VLAN. A known function's address:
/// to that function, through the internal switch (serialized at <see cref="SriovNicModel.InternalSwitchRate"/>), never
/// the wire. Broadcast and multicast: a copy to every other function in the VLAN (the PF is in every VLAN) and, when it
/// came from a function, to the wire. Unknown unicast from a function: to the wire. Unknown unicast from the wire: to
/// the PF when it is promiscuous (a vSwitch uplink), otherwise dropped ("PATH:no-match"), as the NIC's filters do.
/// </para>
/// <para>
/// Receive (towards a function): the port VLAN is stripped, a receive descriptor is taken (none free: the frame is
/// dropped, "PATH/vfN:ring-full"), the DMA write crosses PCIe (the other direction's budget, shared by all functions),
/// and the frame lands in the ring. The function is interrupted when its coalescing thresholds say so; its driver then
/// takes every landed frame: each one costs <see cref="RingDriver.PerFrame"/> on the driver's CPU and leaves through the
/// function's port when that work is done, which is also when its descriptor is free again. A frame that lands while
/// the driver is still at work is taken in the same poll without an interrupt (NAPI keeps the interrupt masked while it
/// polls). A function without a driver takes its frames at once.
/// </para>
/// <para>
/// Accounting: a replicated frame's k deliveries make k - 1 copies (<see cref="FlowStats.CopiedPackets"/>); frames in
/// rings are in flight at the end of a run; every drop is on a ledger, so sent + copied = delivered + dropped + in flight.
/// </para>
/// </remarks>
public sealed partial class SriovNic : Component
{
    /// <summary>The kind of its counters in the results.</summary>
    public const string ComponentKind = "sriov-nic";

    /// <summary>The port frames arrive on from the wire (the leaf's output port sends to it).</summary>
    public const int WirePort = 0;
    /// <summary>The physical function's port: the host's stack or its vSwitch's uplink.</summary>
    public const int PfPort = 1;
    /// <summary>The NIC's timer for "a frame has left the transmitter".</summary>
    public const ushort TransmitDoneTimer = 0;
    private const ushort InterruptTimer = 1;
    /// <summary>The group bit of a MAC's first octet: broadcast or multicast.</summary>
    private const ulong GroupBit = 0x0100_0000_0000UL;

    // Internal ports where frames wait out the NIC's own stages; one per function (function 0 is the PF, n + 1 VF n).
    private const int ToSwitch = 0x1000;
    private const int ToRing = 0x2000;
    private const int Landing = 0x3000;
    private const int FunctionMask = 0x0FFF;

    private readonly SriovNicModel _model;
    private readonly SriovFunction[] _functions;
    private readonly Dictionary<(ulong Mac, ushort Vlan), int> _addresses = new();
    private readonly Dictionary<long, long> _copiesByFlow = new();
    private readonly List<int> _targets = [];
    private readonly bool _pfPromiscuous;
    private OutputPort? _uplink;
    private DropLedger? _noMatch;
    private long _dmaReadFreeAt, _dmaWriteFreeAt, _switchFreeAt;
    private long _wireRxPackets, _wireRxBytes, _internalPackets, _dmaReadBytes, _dmaWriteBytes;

    public override string Kind => ComponentKind;

    /// <param name="vfs">The VFs in use, VF n at <see cref="VfPort"/>(n); at most the model's <see cref="SriovNicModel.MaxVfs"/>.</param>
    public SriovNic(string path, SriovNicModel model, PfSettings pf, IReadOnlyList<VfSettings> vfs) : base(path)
    {
        if (vfs.Count > model.MaxVfs)
            throw new ArgumentException($"{path}: {vfs.Count} VFs, the {model.Name} has at most {model.MaxVfs}", nameof(vfs));
        _model = model;
        _pfPromiscuous = pf.Promiscuous;
        _functions = new SriovFunction[vfs.Count + 1];
        _functions[0] = new SriovFunction("pf", pf.Mac & PacketHeaders.MacMask, 0, spoofCheck: false, txLimit: null, pf.Coalescing, postedInterrupts: false);
        for (var i = 0; i < vfs.Count; i++)
        {
            var vf = vfs[i];
            if (vf.PortVlan > PacketHeaders.MaxVlan) throw new ArgumentException($"{path}: vf{i} port VLAN {vf.PortVlan} is not 0-{PacketHeaders.MaxVlan}", nameof(vfs));
            _functions[i + 1] = new SriovFunction($"vf{i}", vf.Mac & PacketHeaders.MacMask, vf.PortVlan, vf.SpoofCheck,
                vf.TxRateBps > 0 ? new DataRate(vf.TxRateBps) : null, vf.InterruptModeration, vf.PostedInterrupts);
        }
        for (var f = 0; f < _functions.Length; f++)
            if (!_addresses.TryAdd((_functions[f].Mac, _functions[f].PortVlan), f))
                throw new ArgumentException($"{path}: {_functions[f].Name} has the address of another function", nameof(vfs));
    }

    /// <summary>The port of VF <paramref name="vf"/>, towards its guest's driver.</summary>
    public static int VfPort(int vf) => PfPort + 1 + vf;

    public SriovNicModel Model => _model;

    public int VfCount => _functions.Length - 1;

    public OutputPort Uplink => _uplink ?? throw new InvalidOperationException($"{Path} is not connected to the wire");

    /// <summary>Connects the transmitter to its link (built once the NIC has its index in the server).</summary>
    public void ConnectWire(OutputPort uplink) => _uplink = uplink;

    /// <summary>Whether VF <paramref name="vf"/>'s interrupts are posted (no VM exit), for the guest side's accounting.</summary>
    public bool UsesPostedInterrupts(int vf) => _functions[vf + 1].PostedInterrupts;

    /// <summary>
    /// Adds <paramref name="mac"/> to the PF's unicast filter (<c>bridge fdb add MAC dev PF</c>): what a VF sends to it goes
    /// to the PF inside the NIC rather than to the wire — how a host makes the VMs and macvlan containers behind its
    /// bridge or vSwitch reachable from its VFs.
    /// </summary>
    public void AddPfAddress(ulong mac)
    {
        if (!_addresses.TryAdd((mac & PacketHeaders.MacMask, 0), 0))
            throw new ArgumentException($"{Path}: {mac:x12} is already a function's address", nameof(mac));
    }

    /// <summary>Whether a function (the PF or a VF) takes <paramref name="mac"/>'s frames (a VM that comes back to a server had it there).</summary>
    public bool HasAddress(ulong mac) => _addresses.ContainsKey((mac & PacketHeaders.MacMask, 0));

    /// <summary>Sets who drains the receive ring behind <paramref name="port"/> (<see cref="PfPort"/> or a <see cref="VfPort"/>), and at what cost.</summary>
    public void AttachDriver(int port, RingDriver driver) => _functions[FunctionOf(port)].Driver = driver;

    public override void Receive(int port, in Packet packet)
    {
        if (port >= ToSwitch && !_functions[port & FunctionMask].Attached)
        {
            LoseInStage(port, in packet);
            return;
        }
        switch (port)
        {
            case WirePort:
                _wireRxPackets++;
                _wireRxBytes += packet.PayloadBytes;
                Switch(-1, packet);
                break;
            case >= Landing:
                Land(port - Landing, in packet);
                break;
            case >= ToRing:
                Admit(port - ToRing, packet);
                break;
            case >= ToSwitch:
                var from = _functions[port - ToSwitch];
                from.TxHeld--;
                from.TxPackets++;
                from.TxBytes += packet.PayloadBytes;
                Switch(port - ToSwitch, packet);
                break;
            default:
                Transmit(FunctionOf(port), packet);
                break;
        }
    }

    public override void OnTimer(int timer, int token, in Packet carried)
    {
        if (timer == TransmitDoneTimer)
        {
            Uplink.OnTransmitDone();
            return;
        }
        var f = _functions[token & 0xFF];
        if (f.Armed && token >> 8 == f.Generation) Interrupt(token & 0xFF);
    }

    public override void Report(ResultsBuilder results, long endTime)
    {
        Uplink.Report(results, endTime);
        _noMatch?.Report(results);
        foreach (var f in _functions) f.Report(results);
        foreach (var (flowId, copies) in _copiesByFlow) results.Flow(flowId).CopiedPackets += copies;
        base.Report(results, endTime);
    }

    public override void WriteCounters(ComponentCounters counters, long now)
    {
        counters["wire_rx_packets"] = _wireRxPackets;
        counters["wire_rx_bytes"] = _wireRxBytes;
        counters["wire_tx_packets"] = Uplink.Stats.TxPackets;
        counters["wire_tx_dropped"] = Uplink.Stats.DroppedPackets;
        counters["rx_no_match"] = _noMatch?.Packets ?? 0;
        counters["internal_switched"] = _internalPackets;
        counters["dma_read_bytes"] = _dmaReadBytes;
        counters["dma_write_bytes"] = _dmaWriteBytes;
        foreach (var f in _functions) f.WriteCounters(counters);
    }

    private int FunctionOf(int port)
    {
        var f = port - PfPort;
        if (f < 0 || f >= _functions.Length) throw new ArgumentOutOfRangeException(nameof(port), port, $"{Path} has no function port {port}");
        return f;
    }

    private void Transmit(int index, Packet packet)
    {
        var f = _functions[index];
        if (!f.Attached)
        {
            f.Unplugged(Path).Drop(packet.FlowId, packet.PayloadBytes);
            return;
        }
        if (f.SpoofCheck && (packet.Headers.SourceMac != f.Mac || (f.PortVlan != 0 && packet.Headers.Vlan != 0)))
        {
            f.Spoofed(Path).Drop(packet.FlowId, packet.PayloadBytes);
            return;
        }
        if (f.TxHeld >= _model.TxRingSize)
        {
            f.TxRingFull(Path).Drop(packet.FlowId, packet.PayloadBytes);
            return;
        }
        f.TxHeld++;
        var dmaBytes = Ethernet.FrameBytes(in packet) + _model.DmaOverheadBytes;
        _dmaReadBytes += dmaBytes;
        _dmaReadFreeAt = Math.Max(Now, _dmaReadFreeAt) + _model.DmaRate.TransmitTime(dmaBytes);
        var ready = _dmaReadFreeAt + _model.DmaLatencyPs;
        if (f.TxLimit is { } limit)
        {
            var start = Math.Max(ready, f.ShaperFreeAt);
            if (start > ready)
            {
                f.RateDelayed++;
                f.RateDelayPs += start - ready;
            }
            ready = f.ShaperFreeAt = start + limit.TransmitTime(Ethernet.WireBytes(in packet));
        }
        if (f.PortVlan != 0) packet.Headers.Vlan = f.PortVlan;
        ReceiveAt(ready, ToSwitch + index, in packet);
    }

    /// <summary>Forwards a frame from function <paramref name="from"/> (-1: the wire) by its destination MAC and VLAN.</summary>
    private void Switch(int from, Packet packet)
    {
        var destination = packet.Headers.DestinationMac;
        var vlan = packet.Headers.Vlan;
        _targets.Clear();
        var toWire = false;
        if ((destination & GroupBit) != 0)
        {
            for (var f = 0; f < _functions.Length; f++)
                if (f != from && (f == 0 || (_functions[f].PortVlan == vlan && _functions[f].Attached))) _targets.Add(f);
            toWire = from >= 0;
        }
        else if (Lookup(destination, vlan) is var to && to >= 0 && to != from) _targets.Add(to);
        else if (from >= 0) toWire = true;
        else if (_pfPromiscuous) _targets.Add(0);

        var deliveries = _targets.Count + (toWire ? 1 : 0);
        if (deliveries == 0)
        {
            (_noMatch ??= new DropLedger($"{Path}:no-match")).Drop(packet.FlowId, packet.PayloadBytes);
            return;
        }
        if (deliveries > 1) _copiesByFlow[packet.FlowId] = _copiesByFlow.GetValueOrDefault(packet.FlowId) + deliveries - 1;
        if (toWire) Uplink.Enqueue(in packet);
        foreach (var f in _targets)
        {
            if (from < 0)
            {
                Admit(f, packet);
                continue;
            }
            // Between functions the frame crosses the embedded switch, one at a time at its internal rate.
            _internalPackets++;
            _switchFreeAt = Math.Max(Now, _switchFreeAt) + _model.InternalSwitchRate.TransmitTime(Ethernet.FrameBytes(in packet));
            ReceiveAt(_switchFreeAt, ToRing + f, in packet);
        }
    }

    /// <summary>The function with this address on this VLAN; the PF's own address on any VLAN (it is a trunk); -1 for none.</summary>
    private int Lookup(ulong mac, ushort vlan) =>
        _addresses.TryGetValue((mac, vlan), out var f) ? f : mac == _functions[0].Mac ? 0 : -1;

    /// <summary>Takes a receive descriptor of function <paramref name="index"/> and starts the DMA write, or drops the frame.</summary>
    private void Admit(int index, Packet packet)
    {
        var f = _functions[index];
        f.Release(Now);
        if (f.RxHeld >= _model.RxRingSize)
        {
            f.RingFull(Path).Drop(packet.FlowId, packet.PayloadBytes);
            return;
        }
        f.RxHeld++;
        if (f.PortVlan != 0) packet.Headers.Vlan = 0;
        var dmaBytes = Ethernet.FrameBytes(in packet) + _model.DmaOverheadBytes;
        _dmaWriteBytes += dmaBytes;
        _dmaWriteFreeAt = Math.Max(Now, _dmaWriteFreeAt) + _model.DmaRate.TransmitTime(dmaBytes);
        ReceiveAt(_dmaWriteFreeAt + _model.DmaLatencyPs, Landing + index, in packet);
    }

    /// <summary>A frame is in the ring: interrupt the driver now, or when the coalescing time runs out.</summary>
    private void Land(int index, in Packet packet)
    {
        var f = _functions[index];
        if (f.PollingUntil > Now)
        {
            Take(index, in packet, Now);
            return;
        }
        f.Landed.Enqueue(packet);
        if (f.Landed.Count >= f.Coalescing.Frames || f.Coalescing.TimePs == 0) Interrupt(index);
        else if (!f.Armed)
        {
            f.Armed = true;
            SetTimer(Now + f.Coalescing.TimePs, InterruptTimer, (f.Generation << 8) | index);
        }
    }

    private void Interrupt(int index)
    {
        var f = _functions[index];
        f.Armed = false;
        f.Generation = (f.Generation + 1) & 0x7F_FFFF;
        f.Interrupts++;
        var driver = f.Driver;
        var start = Now;
        if (driver is not null && driver.InterruptExitCycles > 0 && !f.PostedInterrupts)
            start = driver.Cpu.Run(start, driver.InterruptExitCycles, CpuCategory.Hypervisor, (uint)index);
        while (f.Landed.TryDequeue(out var packet)) Take(index, in packet, start);
    }

    /// <summary>The driver of function <paramref name="index"/> takes a frame, from <paramref name="start"/> on its CPU.</summary>
    private void Take(int index, in Packet packet, long start)
    {
        var f = _functions[index];
        f.RxPackets++;
        f.RxBytes += packet.PayloadBytes;
        var driver = f.Driver;
        var taken = driver is null ? Now : driver.Cpu.Run(start, driver.PerFrame, packet.PayloadBytes, driver.Category, packet.FlowHash);
        if (taken == Now)
        {
            f.RxHeld--;
            Emit(PfPort + index, in packet);
            return;
        }
        f.Releases.Enqueue(0, taken);
        f.PollingUntil = Math.Max(f.PollingUntil, taken);
        EmitAt(taken, PfPort + index, in packet);
    }
}
