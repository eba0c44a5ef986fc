using DcSim.ActorsHost.Settings;
using DcSim.ActorsNetwork.Fabric;
using DcSim.Runner.Commands;
using DcSim.SimCore.Scenario;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using HttpResults = Microsoft.AspNetCore.Http.Results;

namespace DcSim.Runner.Service;

/// <summary>
/// POST /scenarios/validate: checks a scenario as a submission is checked (`dcsim validate`'s checks), queues nothing, and says what it
/// would run. The topology editor of the web view asks it before it offers a scenario for download or submission.
/// </summary>
internal static class ScenarioValidation
{
    public static void Map(IEndpointRouteBuilder app, string baseDirectory) =>
        app.MapPost("/scenarios/validate", (HttpContext http, string? file) => Validate(http, file, baseDirectory))
            .Accepts<string>(ExperimentHandlers.ScenarioMediaTypes[0], ExperimentHandlers.ScenarioMediaTypes[1..])
            .WithSummary("Check a scenario (HOCON body) as a submission is checked, without queueing it; query file (shown in problems)");

    private static async Task<IResult> Validate(HttpContext http, string? file, string baseDirectory)
    {
        if (ExperimentHandlers.MediaTypeProblem(http) is { } refused) return refused;
        var (body, problem) = await ExperimentHandlers.ReadScenario(http);
        if (body is null) return problem!;
        ScenarioSettings scenario;
        IReadOnlyList<ScenarioError> warnings;
        try
        {
            scenario = ScenarioLoader.Parse(body, file ?? "scenario.conf", baseDirectory, ActorsHost.FabricModel.Instance, null,
                ScenarioFile.Checks(force: false), out warnings);
        }
        catch (ScenarioException ex)
        {
            return ExperimentHandlers.ScenarioProblem(ex);
        }
        var datacenter = scenario.Datacenter();
        var graph = FabricGraph.Of(datacenter.Topology);
        return HttpResults.Json(new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["valid"] = true,
            ["name"] = scenario.Name,
            ["description"] = datacenter.Topology.Describe(),
            ["hosts"] = graph.ServerCount,
            ["switches"] = graph.SwitchCount,
            ["links"] = graph.LinkCount,
            ["generators"] = datacenter.Generators.Count,
            ["duration_ps"] = scenario.DurationPs,
            ["seed"] = scenario.Seed,
            ["warnings"] = warnings.Select(w => w.ToString()).ToArray(),
        }, ExperimentService.Json);
    }
}
