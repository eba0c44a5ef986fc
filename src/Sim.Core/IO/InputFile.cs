using System.Globalization;
using System.Text;

namespace DcSim.SimCore.IO;

/// <summary>
/// Reads a user-named text input (rules, packets, a CDF) with bounds, so that a wrong path gives one clear
/// error instead of an exception trace or an exhausted memory: a directory is refused, reading stops at
/// <c>maxBytes</c>, and a NUL byte (a binary file, <c>/dev/zero</c>) is refused where it is met.
/// </summary>
/// <remarks>
/// Devices and pipes are not refused as such: <c>--packets /dev/stdin</c> or a shell's <c>&lt;(...)</c>
/// are useful, and the byte cap and the NUL check already stop the endless ones (<c>/dev/zero</c> at its
/// first byte, <c>/dev/urandom</c> within a few hundred). Text is UTF-8 unless a byte-order mark says
/// otherwise; lines end at <c>\n</c>, <c>\r\n</c> or <c>\r</c>, as <see cref="File.ReadAllLines(string)"/>.
/// </remarks>
public static class InputFile
{
    /// <summary>
    /// The lines of the file at <paramref name="path"/>. Errors are <see cref="InputFileException"/>s whose
    /// message starts with <paramref name="name"/> (default: the path) and says what is wrong with the
    /// <paramref name="what"/> (e.g. "rules file").
    /// </summary>
    public static List<string> ReadLines(string path, long maxBytes, string what, string? name = null)
    {
        var text = ReadText(path, maxBytes, what, name);
        var lines = new List<string>();
        using var reader = new StringReader(text);
        while (reader.ReadLine() is { } line) lines.Add(line);
        return lines;
    }

    /// <summary>The whole text of the file, with the checks of <see cref="ReadLines"/>.</summary>
    public static string ReadText(string path, long maxBytes, string what, string? name = null)
    {
        name ??= path;
        if (Directory.Exists(path)) throw new InputFileException(name, $"is a directory, not a {what}");
        if (!File.Exists(path)) throw new InputFileException(name, $"{what} not found");
        var bytes = new MemoryStream();
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            var chunk = new byte[64 * 1024];
            var unicodeBom = false;
            int n;
            while ((n = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, maxBytes + 1 - bytes.Length))) > 0)
            {
                // UTF-16/32 text has NUL bytes by nature; a byte-order mark tells it from binary data.
                if (bytes.Length == 0 && n >= 2 && (chunk[0], chunk[1]) is (0xff, 0xfe) or (0xfe, 0xff)) unicodeBom = true;
                var nul = unicodeBom ? -1 : Array.IndexOf(chunk, (byte)0, 0, n);
                if (nul >= 0)
                {
                    var line = 1 + bytes.ToArray().Count(b => b == '\n') + chunk.Take(nul).Count(b => b == '\n');
                    throw new InputFileException($"{name}:{line.ToString(CultureInfo.InvariantCulture)}", $"contains a NUL byte: not a text {what}");
                }
                bytes.Write(chunk, 0, n);
                if (bytes.Length > maxBytes) throw new InputFileException(name, $"more than {Size(maxBytes)}: too large for a {what} (is it the right file?)");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not InputFileException)
        {
            throw new InputFileException(name, $"cannot read the {what}: {e.Message}");
        }
        bytes.Position = 0;
        using var text = new StreamReader(bytes, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return text.ReadToEnd();
    }

    private static string Size(long bytes) =>
        bytes % (1024 * 1024) == 0 ? $"{(bytes / (1024 * 1024)).ToString(CultureInfo.InvariantCulture)} MiB" : $"{bytes.ToString(CultureInfo.InvariantCulture)} bytes";
}

/// <summary>An input file that cannot be used; <see cref="Exception.Message"/> is <c>NAME[:LINE]: reason</c>, ready to print.</summary>
public sealed class InputFileException(string where, string reason) : IOException($"{where}: {reason}")
{
    public string Reason { get; } = reason;
}
