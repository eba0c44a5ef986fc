using Microsoft.Playwright;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>
/// Debian's Chromium, driven headless by Playwright (whose own driver ships in its NuGet package: nothing is downloaded). CI installs
/// it (.ci/run sets DCSIM_REQUIRE_CHROMIUM=1, and a missing browser fails there); elsewhere a test that needs it is skipped.
/// </summary>
internal static class Chromium
{
    public const string Executable = "/usr/bin/chromium";

    public static bool Required => Environment.GetEnvironmentVariable("DCSIM_REQUIRE_CHROMIUM") == "1";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        Assert.True(File.Exists(Executable), $"{Executable} is not installed (apt-get install chromium)");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Executable, Headless = true });
        return (playwright, browser);
    }
}

/// <summary>A fact that needs Chromium: skipped when it is missing, unless DCSIM_REQUIRE_CHROMIUM=1 (then it fails).</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!File.Exists(Chromium.Executable) && !Chromium.Required)
            Skip = $"{Chromium.Executable} is not installed (apt-get install chromium; CI sets DCSIM_REQUIRE_CHROMIUM=1 to make this a failure)";
    }
}
