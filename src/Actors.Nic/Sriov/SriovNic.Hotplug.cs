using DcSim.SimCore.Wire;

namespace DcSim.ActorsNic;

/// <summary>
/// Hot-unplug and hot-plug of a VF (QEMU's device_del / device_add of a passed-through VF): what the NIC sees of it.
/// </summary>
/// <remarks>
/// <para>
/// Unplugged, the VF is disabled: the frames it holds — landed in its receive ring and not yet taken, on their way
/// through its DMA stages in either direction, or handed to its port by a guest that has not noticed yet — are lost,
/// each counted against its flow at "PATH/vfN:unplugged" (the guest's memory they were to land in, or come from, is no
/// longer the VF's). Its address leaves the embedded switch and goes to the PF's filter: frames for the VM's MAC then
/// reach the host's path (its bridge, and a paravirtual NIC the guest bonds with the VF), from the wire as from the other
/// functions. Frames the driver had already taken before the unplug have left the NIC: they are the guest's to lose.
/// </para>
/// <para>
/// Plugged back, the VF gets its address back and the PF's filter loses it: frames for the MAC go to the VF again.
/// The VF keeps its settings (MAC, VLAN, limits, driver) across the two, as the PF driver keeps them for a VF number.
/// A plug-in within the few microseconds of the NIC's stages after an unplug is not modelled (frames of the old
/// incarnation would count as the new one's).
/// </para>
/// </remarks>
public sealed partial class SriovNic
{
    /// <summary>Whether VF <paramref name="vf"/> is plugged into its guest.</summary>
    public bool IsVfAttached(int vf) => Vf(vf).Attached;

    /// <summary>Unplugs VF <paramref name="vf"/> now: its frames are lost and its MAC goes to the PF (see the remarks).</summary>
    public void DetachVf(int vf)
    {
        var f = Vf(vf);
        if (!f.Attached) throw new InvalidOperationException($"{Path}: {f.Name} is already unplugged");
        f.Attached = false;
        f.Armed = false;
        f.Generation = (f.Generation + 1) & 0x7F_FFFF;
        var lost = f.Unplugged(Path);
        while (f.Landed.TryDequeue(out var packet))
        {
            f.RxHeld--;
            lost.Drop(packet.FlowId, packet.PayloadBytes);
        }
        _addresses.Remove((f.Mac, f.PortVlan));
        _addresses[(f.Mac, 0)] = 0;
    }

    /// <summary>Plugs VF <paramref name="vf"/> back: frames for its MAC go to it again.</summary>
    public void AttachVf(int vf)
    {
        var f = Vf(vf);
        if (f.Attached) throw new InvalidOperationException($"{Path}: {f.Name} is already plugged in");
        f.Attached = true;
        _addresses.Remove((f.Mac, 0));
        _addresses[(f.Mac, f.PortVlan)] = vf + 1;
    }

    private SriovFunction Vf(int vf)
    {
        if (vf < 0 || vf >= VfCount) throw new ArgumentOutOfRangeException(nameof(vf), vf, $"{Path} has {VfCount} VFs");
        return _functions[vf + 1];
    }

    /// <summary>A frame of an unplugged VF reaching the end of one of its NIC stages: its descriptor is given back, the frame lost.</summary>
    private void LoseInStage(int port, in Packet packet)
    {
        var f = _functions[port & FunctionMask];
        if (port >= Landing) f.RxHeld--;
        else if (port < ToRing) f.TxHeld--;
        f.Unplugged(Path).Drop(packet.FlowId, packet.PayloadBytes);
    }
}
