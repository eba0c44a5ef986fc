using System.Globalization;
using System.Net;
using System.Text;

namespace DcSim.Runner.Report;

/// <summary>
/// The HTML of one report.html: a single self-contained file (inline CSS, plots as inline SVG, no script, nothing fetched). It is also
/// well-formed XML (void elements closed, only XML's named entities), so tests and tools can read it with an XML parser. Its bytes depend
/// only on what it is given: no time of generation, and each plot's SVG ids are renumbered by the plot's place in the page.
/// </summary>
internal sealed class ReportPage
{
    private const string Style =
        "body{font-family:sans-serif;margin:2em;max-width:80em}table{border-collapse:collapse;font-size:90%;margin:0.5em 0}"
        + "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}th{background:#eee}td.text,th.text{text-align:left}"
        + "p.problem{color:#a00;font-weight:bold}p.note{color:#555;font-size:90%}svg{max-width:100%;height:auto;display:block;margin:0.5em 0}";

    private readonly StringBuilder _body = new();
    private readonly List<(string Id, string Title)> _sections = [];
    private readonly string _title;
    private int _plots;

    public ReportPage(string title) => _title = title;

    /// <summary>A section of the page, listed in the contents at its top.</summary>
    public void Section(string id, string title)
    {
        _sections.Add((id, title));
        _body.Append(CultureInfo.InvariantCulture, $"<h2 id=\"{id}\">{Encode(title)}</h2>\n");
    }

    public void Heading(string title) => _body.Append(CultureInfo.InvariantCulture, $"<h3>{Encode(title)}</h3>\n");

    public void Paragraph(string text) => _body.Append(CultureInfo.InvariantCulture, $"<p>{Encode(text)}</p>\n");

    public void Note(string text) => _body.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">{Encode(text)}</p>\n");

    /// <summary>What the report could not show and why (an unexpected header, a cell that is not a number).</summary>
    public void Problem(string text) => _body.Append(CultureInfo.InvariantCulture, $"<p class=\"problem\">{Encode(text)}</p>\n");

    /// <summary>HTML written as is: the caller encodes what it puts in.</summary>
    public void Raw(string html) => _body.Append(html);

    /// <summary>
    /// A table with an id (what tests and readers find it by); columns whose header is in <paramref name="textColumns"/> are
    /// left-aligned. Cells are text, encoded here.
    /// </summary>
    public void Table(string id, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, params string[] textColumns)
    {
        var isText = header.Select(textColumns.Contains).ToArray();
        var html = new StringBuilder().Append(CultureInfo.InvariantCulture, $"<table id=\"{id}\">\n<tr>");
        for (var i = 0; i < header.Count; i++) html.Append(CultureInfo.InvariantCulture, $"<th{Class(isText[i])}>{Encode(header[i])}</th>");
        html.Append("</tr>\n");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            for (var i = 0; i < row.Count; i++) html.Append(CultureInfo.InvariantCulture, $"<td{Class(i < isText.Length && isText[i])}>{Encode(row[i])}</td>");
            html.Append("</tr>\n");
        }
        _body.Append(html).Append("</table>\n");
    }

    /// <summary>A plot, inline, with a caption saying what it shows.</summary>
    public void Plot(ScottPlot.Plot plot, string caption, int width = 900, int height = 420)
    {
        _plots++;
        _body.Append(CultureInfo.InvariantCulture, $"<figure id=\"plot{_plots}\">\n")
             .Append(SvgPlot.Inline(plot, width, height, $"plot{_plots}-"))
             .Append(CultureInfo.InvariantCulture, $"<figcaption>{Encode(caption)}</figcaption>\n</figure>\n");
    }

    public string Html()
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"/><title>{Encode(_title)}</title>
            <style>{Style}</style>
            </head><body>
            <h1>{Encode(_title)}</h1>

            """);
        if (_sections.Count > 0)
            html.Append("<ul id=\"contents\">").AppendJoin("", _sections.Select(s => $"<li><a href=\"#{s.Id}\">{Encode(s.Title)}</a></li>")).Append("</ul>\n");
        return html.Append(_body).Append("</body></html>\n").ToString();
    }

    public static string Encode(string text) => WebUtility.HtmlEncode(text);

    /// <summary>A computed figure: whole numbers plainly, others with at most 3 decimals (what a reader compares).</summary>
    public static string Format(double value) => value.ToString(Math.Abs(value) >= 1000 ? "0.#" : "0.###", CultureInfo.InvariantCulture);

    private static string Class(bool text) => text ? " class=\"text\"" : "";
}
