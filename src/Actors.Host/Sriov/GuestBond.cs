using DcSim.ActorsNic;
using DcSim.SimCore.Components;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Sriov;

/// <summary>The two slaves of a guest bond.</summary>
public enum BondSlave { Vf, Backup }

/// <summary>
/// A guest's Linux bond in active-backup mode over an SR-IOV VF (the primary) and a paravirtual NIC through the host's
/// switch (the backup) — the arrangement Zhai et al. (OLS 2008) use to live-migrate a VM with a passed-through device:
/// hot-unplug the VF, let the bond fail over, migrate, plug a VF in at the destination (calibration.md §4.3).
/// </summary>
/// <remarks>
/// <para>
/// Data path (drivers/net/bonding/bond_main.c): everything the guest sends leaves through the active slave; a frame that
/// arrives on the inactive slave is not the bond's (<c>bond_should_deliver_exact_match</c> keeps it for handlers bound to
/// that very device) and is dropped here, at "PATH:inactive-slave"; one that arrives from a VF already unplugged (taken
/// by its driver before the unplug) finds the slave released, at "PATH:unplugged". The bond costs no cycles of its own
/// (assumption: a pointer chase in the transmit path).
/// </para>
/// <para>
/// Failover: the unplug removes the VF's net device, whose NETDEV_UNREGISTER notifier releases the slave at once
/// (<c>bond_slave_netdev_event</c> → <c>__bond_release_one</c> → <c>bond_select_active_slave</c>): there is no
/// link-monitor wait, the backup is active the same instant. The NIC loses the frames the VF held
/// (<see cref="SriovNic.DetachVf"/>). Failback: a plugged VF is usable <see cref="GuestBondSettings.VfReadyPs"/> later
/// (probe, reset, link: an assumption); from then the NIC delivers its MAC to it, while the bond, whose link monitor
/// (miimon) sees the link at its next tick, and after <see cref="GuestBondSettings.UpdelayPs"/>, makes the primary
/// active again (primary_reselect = always, the default in Documentation/networking/bonding.rst). Frames reaching the VF in
/// between are dropped as inactive.
/// </para>
/// <para>
/// Each change of active slave notifies the peers (num_grat_arp = 1: one gratuitous ARP through the new slave). DcSim
/// sends no ARP frames; <see cref="PeersNotified"/> applies its effect, the host switch learning the MAC on the new
/// slave's side, at the instant of the change (the announcement's own few microseconds of travel are left out).
/// </para>
/// <para>
/// Measured per change of active slave i (counters <c>change{i}_…</c>): when it happened, and the gaps the guest saw in
/// its traffic — from the last frame through the old slave to the first through the new one, sent and received.
/// </para>
/// </remarks>
public sealed class GuestBond : Component
{
    public const string ComponentKind = "bond";

    /// <summary>Towards the guest kernel.</summary>
    public const int GuestPort = 0;
    /// <summary>Towards the VF's driver.</summary>
    public const int VfPort = 1;
    /// <summary>Towards the paravirtual NIC.</summary>
    public const int BackupPort = 2;

    private const int ScheduledTimer = 0;
    private const int VfReadyTimer = 1;
    private const int LinkUpTimer = 2;

    private readonly GuestBondSettings _settings;
    private readonly SriovNic _nic;
    private readonly int _vf;
    private readonly IReadOnlyList<VfHotplugEvent> _schedule;
    private readonly DropLedger _inactive, _unplugged;
    private readonly List<Change> _changes = [];
    private readonly long[] _txPackets = new long[2], _rxPackets = new long[2], _lastTx = new long[2], _lastRx = new long[2];
    private bool _plugged, _vfUp;
    private int _generation; // a pending plug-in timer of an older generation was overtaken by an unplug
    private long _unplugs, _plugs;

    public override string Kind => ComponentKind;

    /// <param name="nic">The server's SR-IOV NIC and <paramref name="vf"/> the VF the guest has.</param>
    /// <param name="schedule">The scenario's hot-plug events for this VM, in time order.</param>
    /// <param name="vfPlugged">False for a VM that migrated here: it runs on the backup until the VF is plugged in (<see cref="AttachVf"/>).</param>
    public GuestBond(string path, GuestBondSettings settings, SriovNic nic, int vf, IReadOnlyList<VfHotplugEvent> schedule, bool vfPlugged = true)
        : base(path)
    {
        (_plugged, _vfUp) = (vfPlugged, vfPlugged);
        if (!vfPlugged) Active = BondSlave.Backup;
        _settings = settings;
        _nic = nic;
        _vf = vf;
        _schedule = schedule;
        _inactive = new DropLedger($"{path}:inactive-slave");
        _unplugged = new DropLedger($"{path}:unplugged");
        Array.Fill(_lastTx, -1);
        Array.Fill(_lastRx, -1);
    }

    public BondSlave Active { get; private set; } = BondSlave.Vf;

    /// <summary>
    /// The gratuitous ARP's effect after a change of active slave: the host's switch learns the VM's MAC on the side of
    /// the new slave (its uplink to the NIC for the VF, the VM's port for the backup). Set by the server's builder.
    /// </summary>
    public Action<BondSlave, long>? PeersNotified { get; set; }

    /// <summary>Whether the VF is plugged into the guest (it may not be up yet).</summary>
    public bool VfPlugged => _plugged;

    public override void Start()
    {
        for (var i = 0; i < _schedule.Count; i++) SetTimer(_schedule[i].AtPs, ScheduledTimer, i);
    }

    /// <summary>Hot-unplugs the VF now: the NIC loses its frames and the bond fails over to the backup at once.</summary>
    public void DetachVf()
    {
        if (!_plugged) throw new InvalidOperationException($"{Path}: the VF is already unplugged");
        _plugged = false;
        _generation++;
        _unplugs++;
        if (_vfUp) _nic.DetachVf(_vf);
        _vfUp = false;
        if (Active == BondSlave.Vf) Activate(BondSlave.Backup);
    }

    /// <summary>Hot-plugs the VF now: it is up after the VF's ready time and active from the bond's next link check after that.</summary>
    public void AttachVf()
    {
        if (_plugged) throw new InvalidOperationException($"{Path}: the VF is already plugged in");
        _plugged = true;
        _plugs++;
        SetTimer(Now + _settings.VfReadyPs, VfReadyTimer, _generation);
    }

    public override void Receive(int port, in Packet packet)
    {
        if (port == GuestPort)
        {
            var slave = (int)Active;
            _txPackets[slave]++;
            _lastTx[slave] = Now;
            if (_changes.Count > 0 && _changes[^1] is { FirstTx: < 0 } c && c.To == Active) c.FirstTx = Now;
            Emit(Active == BondSlave.Vf ? VfPort : BackupPort, in packet);
            return;
        }
        var from = port == VfPort ? BondSlave.Vf : BondSlave.Backup;
        if (from != Active)
        {
            (from == BondSlave.Vf && !_plugged ? _unplugged : _inactive).Drop(packet.FlowId, packet.PayloadBytes);
            return;
        }
        _rxPackets[(int)from]++;
        _lastRx[(int)from] = Now;
        if (_changes.Count > 0 && _changes[^1] is { FirstRx: < 0 } last && last.To == from) last.FirstRx = Now;
        Emit(GuestPort, in packet);
    }

    public override void OnTimer(int timer, int token, in Packet carried)
    {
        switch (timer)
        {
            case ScheduledTimer:
                if (_schedule[token].Action == VfHotplugAction.Detach) DetachVf();
                else AttachVf();
                break;
            case VfReadyTimer when token == _generation:
                _vfUp = true;
                _nic.AttachVf(_vf);
                // miimon's work item runs every period; the VF's link is seen at the first run from now on.
                var tick = _settings.MiimonPs == 0 ? Now : (Now + _settings.MiimonPs - 1) / _settings.MiimonPs * _settings.MiimonPs;
                SetTimer(tick + _settings.UpdelayPs, LinkUpTimer, _generation);
                break;
            case LinkUpTimer when token == _generation:
                Activate(BondSlave.Vf);
                break;
        }
    }

    public override void Report(ResultsBuilder results, long endTime)
    {
        _inactive.Report(results);
        _unplugged.Report(results);
        base.Report(results, endTime);
    }

    public override void WriteCounters(ComponentCounters counters, long now)
    {
        counters["active_is_vf"] = Active == BondSlave.Vf ? 1 : 0;
        counters["active_changes"] = _changes.Count;
        counters["failovers"] = _changes.Count(c => c.To == BondSlave.Backup);
        counters["vf_unplugs"] = _unplugs;
        counters["vf_plugs"] = _plugs;
        counters["vf_tx_packets"] = _txPackets[(int)BondSlave.Vf];
        counters["backup_tx_packets"] = _txPackets[(int)BondSlave.Backup];
        counters["vf_rx_packets"] = _rxPackets[(int)BondSlave.Vf];
        counters["backup_rx_packets"] = _rxPackets[(int)BondSlave.Backup];
        counters["inactive_rx_drops"] = _inactive.Packets;
        counters["unplugged_rx_drops"] = _unplugged.Packets;
        for (var i = 0; i < _changes.Count; i++)
        {
            var c = _changes[i];
            counters[$"change{i}_at_ps"] = c.At;
            counters[$"change{i}_to_vf"] = c.To == BondSlave.Vf ? 1 : 0;
            counters[$"change{i}_tx_gap_ps"] = Gap(c.LastTxBefore, c.FirstTx);
            counters[$"change{i}_rx_gap_ps"] = Gap(c.LastRxBefore, c.FirstRx);
        }
    }

    /// <summary>-1 when there was no frame on one side of the change.</summary>
    private static long Gap(long before, long after) => before < 0 || after < 0 ? -1 : after - before;

    private void Activate(BondSlave slave)
    {
        var old = (int)Active;
        Active = slave;
        _changes.Add(new Change(Now, slave, _lastTx[old], _lastRx[old]));
        PeersNotified?.Invoke(slave, Now);
    }

    /// <summary>One change of active slave and the first frames after it (-1 until they come).</summary>
    private sealed class Change(long at, BondSlave to, long lastTxBefore, long lastRxBefore)
    {
        public long At { get; } = at;
        public BondSlave To { get; } = to;
        public long LastTxBefore { get; } = lastTxBefore;
        public long LastRxBefore { get; } = lastRxBefore;
        public long FirstTx { get; set; } = -1;
        public long FirstRx { get; set; } = -1;
    }
}
