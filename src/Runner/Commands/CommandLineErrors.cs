using System.CommandLine;

namespace DcSim.Runner.Commands;

/// <summary>Command-line mistakes System.CommandLine lets through.</summary>
internal static class CommandLineErrors
{
    /// <summary>
    /// The error line for `dcsim WORD ...` when WORD is no command. System.CommandLine reports it only when help
    /// is not asked for: `dcsim submit --help` would print the root help and exit 0, as if `submit` existed.
    /// </summary>
    public static string? UnknownCommand(RootCommand root, ParseResult parse)
    {
        if (parse.CommandResult.Command != root || parse.Tokens.Count == 0) return null;
        var first = parse.Tokens[0].Value;
        if (first.StartsWith('-') || !parse.UnmatchedTokens.Contains(first)) return null;
        var commands = string.Join(", ", root.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
        return $"dcsim: unknown command '{first}' (commands: {commands})";
    }
}
