namespace DcSim.ActorsHost.Virtualization;

/// <summary>
/// Which VMs with <c>vnic = vf</c> get a VF: on each server with an SR-IOV NIC, the first <see cref="ActorsNic.SriovNicModel.MaxVfs"/>
/// in placement order (VF n is the n-th); those beyond fall back to the server's vf-fallback-vnic on its vm-switch when
/// its vf-exhaustion is vswitch. With vf-exhaustion = error the reader refuses such a plan (<see cref="Exhausted"/>).
/// </summary>
public sealed class VfAllocation
{
    private readonly EntityPlan _plan;
    private readonly HashSet<int> _fellBack = [];

    public VfAllocation(EntityPlan plan)
    {
        _plan = plan;
        for (var host = 0; host < plan.Hosts; host++)
        {
            var profile = plan.Settings.Profiles[host];
            if (profile.Sriov is not { } model || profile.VfExhaustion != VfExhaustion.VSwitch) continue;
            foreach (var vm in AskingOn(host).Skip(model.MaxVfs)) _fellBack.Add(vm);
        }
    }

    /// <summary>The VMs of <paramref name="host"/> asking for a VF, in placement order.</summary>
    public IEnumerable<int> AskingOn(int host)
    {
        foreach (var e in _plan.OnServer(host).ToArray())
            if (_plan.Entity(e).Kind == EntityKind.Vm && _plan.VmTemplateOf(e).Vnic.HasVf()) yield return e;
    }

    /// <summary>The VMs of <paramref name="host"/> that have a VF, VF n the n-th.</summary>
    public IEnumerable<int> WithVfOn(int host) => AskingOn(host).Where(e => !_fellBack.Contains(e));

    /// <summary>The first server, in index order, holding more VMs asking for a VF than its NIC has VFs under vf-exhaustion = error, with the VM one too many.</summary>
    public (int Host, int Asking, int FirstRefused)? Exhausted()
    {
        for (var host = 0; host < _plan.Hosts; host++)
        {
            var profile = _plan.Settings.Profiles[host];
            if (profile.Sriov is not { } model || profile.VfExhaustion != VfExhaustion.Error) continue;
            var asking = AskingOn(host).ToList();
            if (asking.Count > model.MaxVfs) return (host, asking.Count, asking[model.MaxVfs]);
        }
        return null;
    }

    /// <summary>How many VMs of <paramref name="host"/> asked for a VF and got the server's fall-back vNIC instead.</summary>
    public int FellBackOn(int host) => _fellBack.Count(e => _plan.Entity(e).Server == host);

    /// <summary>The vNIC <paramref name="vm"/> really has: its template's, or its server's fall-back one.</summary>
    public VnicBackend VnicOf(int vm) =>
        _fellBack.Contains(vm) ? _plan.Settings.Profiles[_plan.Entity(vm).Server].VfFallbackVnic : _plan.VmTemplateOf(vm).Vnic;
}
