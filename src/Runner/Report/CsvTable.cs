using System.Globalization;
using System.Text;

namespace DcSim.Runner.Report;

/// <summary>A result file's content that the report cannot use (a missing column, a cell that is not a number): said in the report, not a crash.</summary>
internal sealed class ReportDataException(string message) : Exception(message);

/// <summary>
/// One CSV result file as read for the report: its header and rows (RFC 4180 quoting, as sweep.csv quotes values with commas). Cells are
/// read by column name, so a file with columns appended later (servers.csv's) is still read; a missing column or a cell that is not a number
/// throws <see cref="ReportDataException"/> naming the file, the line and the column.
/// </summary>
internal sealed class CsvTable
{
    public string Name { get; }
    public IReadOnlyList<string> Header { get; }
    public IReadOnlyList<string[]> Rows { get; }

    private readonly Dictionary<string, int> _columns = new(StringComparer.Ordinal);

    private CsvTable(string name, IReadOnlyList<string> header, IReadOnlyList<string[]> rows)
    {
        (Name, Header, Rows) = (name, header, rows);
        for (var i = 0; i < header.Count; i++) _columns.TryAdd(header[i], i);
    }

    public static CsvTable Parse(string name, string text)
    {
        var lines = Records(text).ToList();
        return new CsvTable(name, lines.Count == 0 ? [] : lines[0], lines.Skip(1).ToList());
    }

    /// <summary>The columns of <paramref name="required"/> the header lacks, in the order asked.</summary>
    public IReadOnlyList<string> Missing(IEnumerable<string> required) => required.Where(c => !_columns.ContainsKey(c)).ToList();

    public int Column(string name)
    {
        return _columns.TryGetValue(name, out var index) ? index : throw new ReportDataException($"{Name}: no column '{name}' in its header");
    }

    public string Text(string[] row, string column)
    {
        var index = Column(column);
        return index < row.Length ? row[index] : throw new ReportDataException($"{Name} line {Line(row)}: {row.Length} cells, no '{column}'");
    }

    public double Number(string[] row, string column)
    {
        var text = Text(row, column);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ReportDataException($"{Name} line {Line(row)}: '{text}' in column '{column}' is not a number");
    }

    /// <summary>An empty cell (servers.csv's vSwitch columns on a server without one) reads as null.</summary>
    public double? OptionalNumber(string[] row, string column) => Text(row, column).Length == 0 ? null : Number(row, column);

    /// <summary>The 1-based line of a row in the file (the header is line 1).</summary>
    private int Line(string[] row) => Rows.ToList().IndexOf(row) + 2;

    private static IEnumerable<string[]> Records(string text)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c != '"') cell.Append(c);
                else if (i + 1 < text.Length && text[i + 1] == '"') cell.Append(text[++i]);
                else quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == ',') cells.Add(Take(cell));
            else if (c == '\n')
            {
                cells.Add(Take(cell));
                yield return cells.ToArray();
                cells.Clear();
            }
            else if (c != '\r') cell.Append(c);
        }
        if (cell.Length > 0 || cells.Count > 0)
        {
            cells.Add(Take(cell));
            yield return cells.ToArray();
        }
    }

    private static string Take(StringBuilder cell)
    {
        var text = cell.ToString();
        cell.Clear();
        return text;
    }
}
