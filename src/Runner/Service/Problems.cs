using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using HttpResults = Microsoft.AspNetCore.Http.Results;

namespace DcSim.Runner.Service;

/// <summary>
/// The RFC 9457 problems (application/problem+json) of DcSim's HTTP endpoints, the experiment service and `dcsim run --http` alike: a
/// status, its title, a detail naming what is wrong, and the request's path as the instance.
/// </summary>
internal static class Problems
{
    public static IResult Of(int status, string detail, Dictionary<string, object?>? extensions = null) =>
        HttpResults.Problem(detail: detail, statusCode: status, extensions: extensions);

    /// <summary>Problems written by the problem details service, which fills in the instance and then what <paramref name="describe"/> adds.</summary>
    public static IServiceCollection AddProblems(this IServiceCollection services, Action<HttpContext, ProblemDetails, Exception?>? describe = null) =>
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            c.ProblemDetails.Instance ??= c.HttpContext.Request.Path.Value;
            describe?.Invoke(c.HttpContext, c.ProblemDetails, c.Exception);
        });
}
