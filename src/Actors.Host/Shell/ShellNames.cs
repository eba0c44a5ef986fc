using DcSim.ActorsHost.Virtualization;
using DcSim.ActorsNetwork.Fabric;

namespace DcSim.ActorsHost.Shell;

/// <summary>
/// The endpoints a shell directive may name, the same in every partition: a server (host3), or a VM or container by its name (kvm-0,
/// unique over the scenario) or by its planned path, as entity paths read (host3/kvm-0, host3/kvm-0/web-0).
/// </summary>
internal sealed class ShellNames(FabricGraph graph, EntityPlan plan)
{
    /// <summary>The endpoint <paramref name="name"/> stands for, or -1.</summary>
    public int Resolve(string name)
    {
        var slash = name.LastIndexOf('/');
        var own = name[(slash + 1)..];
        if (slash < 0 && ServerNamed(graph, own) is var server and >= 0) return server;
        if (!plan.TryResolve(own, out var endpoints) || endpoints.Count != 1) return -1;
        var entity = plan.EntityOf(endpoints[0]);
        if (plan.NameOf(entity) != own) return -1;   // a template's name stands for all of its entities
        return slash < 0 || name[..slash] == PlannedParent(entity) ? endpoints[0] : -1;
    }

    /// <summary>The server named <paramref name="name"/> (servers are host0 .. hostN-1 in every topology), or -1.</summary>
    public static int ServerNamed(FabricGraph graph, string name) =>
        name.StartsWith("host", StringComparison.Ordinal)
        && int.TryParse(name.AsSpan(4), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var server)
        && server < graph.ServerCount && graph.NameOf(server) == name
            ? server
            : -1;

    /// <summary>The path of what an entity is planned in: its server, and the VM a container runs in.</summary>
    private string PlannedParent(int entity)
    {
        var e = plan.Entity(entity);
        var server = graph.NameOf(e.Server);
        return e.ParentVm >= 0 ? $"{server}/{plan.NameOf(e.ParentVm)}" : server;
    }
}
