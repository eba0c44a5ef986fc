namespace DcSim.ActorsHost.Traffic;

/// <summary>Which endpoints a generator runs on.</summary>
internal static class GeneratorPlacement
{
    /// <summary>
    /// Whether an instance of <paramref name="g"/> runs on <paramref name="endpoint"/> (its hosts are sorted and distinct). An incast runs on its
    /// target, the aggregator that asks its hosts; every other kind runs on its hosts.
    /// </summary>
    public static bool RunsOn(this GeneratorSettings g, int endpoint) => g.Kind == GeneratorKind.Incast ? endpoint == g.TargetHost : IsHost(g, endpoint);

    public static bool IsHost(this GeneratorSettings g, int endpoint) => g.Hosts is List<int> list ? list.BinarySearch(endpoint) >= 0 : g.Hosts.Contains(endpoint);
}
