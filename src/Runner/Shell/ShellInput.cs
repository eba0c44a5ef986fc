using RadLine;
using Spectre.Console;

namespace DcSim.Runner.Shell;

/// <summary>Where the shell's lines come from: a script, redirected input, or the terminal with history and completion.</summary>
internal abstract class ShellInput
{
    public const string Prompt = "dcsim> ";

    /// <summary>The next line, or null at the end of the input.</summary>
    public abstract Task<string?> ReadLine(CancellationToken cancel);

    /// <summary>Whether a line read is printed after the prompt (the terminal shows what is typed itself).</summary>
    public abstract bool Echo { get; }

    /// <summary>The terminal through RadLine where it can drive it, else plain lines from standard input.</summary>
    public static ShellInput Console(Func<IReadOnlyList<string>> names) =>
        !System.Console.IsInputRedirected && LineEditor.IsSupported(AnsiConsole.Console) ? new Terminal(names) : new Lines(System.Console.In);

    public sealed class Lines(TextReader reader) : ShellInput
    {
        public override bool Echo => true;
        public override async Task<string?> ReadLine(CancellationToken cancel) => await reader.ReadLineAsync(cancel);
    }

    private sealed class Terminal : ShellInput
    {
        private readonly LineEditor _editor;

        // RadLine puts its own space after the prompt.
        public Terminal(Func<IReadOnlyList<string>> names) =>
            _editor = new LineEditor { Prompt = new LineEditorPrompt(Prompt.TrimEnd()), Completion = new Completion(names), MultiLine = false };

        public override bool Echo => false;

        public override async Task<string?> ReadLine(CancellationToken cancel)
        {
            var line = await _editor.ReadLine(cancel);
            if (!string.IsNullOrWhiteSpace(line)) _editor.History.Add(line);
            return line;
        }
    }

    /// <summary>Tab completes the verb first, then entity names (servers, switches, VMs), and the words a verb takes.</summary>
    internal sealed class Completion(Func<IReadOnlyList<string>> names) : ITextCompletion
    {
        public IEnumerable<string>? GetCompletions(string context, string word, string suffix)
        {
            var first = string.IsNullOrWhiteSpace(context);
            var words = first ? ShellVerbs.All.Select(v => v.Name) : context.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0] switch
            {
                "help" => ShellVerbs.All.Select(v => v.Name),
                "ovs-ofctl" when context.Trim() == "ovs-ofctl" => ["dump-flows"],
                "ovs-appctl" when context.Trim() == "ovs-appctl" => ["dpctl/dump-flows"],
                "run" when context.Trim() == "run" => ["until", "1ms", "10ms", "100ms"],
                _ => names(),
            };
            return words.Where(w => w.StartsWith(word, StringComparison.Ordinal));
        }
    }
}
