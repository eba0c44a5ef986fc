using System.Globalization;
using System.Text;

namespace DcSim.SimCore.Scenario;

/// <summary>
/// A strict recursive-descent reader of the HOCON that scenario files use: objects (braces optional at
/// the root), dotted and quoted keys, <c>=</c>/<c>:</c>/<c>{</c> separators, lists, quoted, triple-quoted
/// and unquoted values, <c>${path}</c> substitutions, <c>#</c> and <c>//</c> comments.
/// It builds no values (Akka's parser does that); it records the line of every key path and stops at
/// the first syntax error. It exists because Akka 1.5's parser keeps no positions and accepts malformed
/// text silently or never returns: a stray <c>}</c> or an unterminated string is accepted, and an unclosed
/// list or a <c>${?x}</c> substitution makes it loop forever. So every text passes through here first.
/// </summary>
internal sealed class HoconScanner
{
    /// <summary>Characters that end an unquoted key or value (the HOCON specification's list).</summary>
    private const string NotUnquoted = "$\"{}[]:=,+#`^?!@*&\\";

    private readonly string _text;
    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);
    private int _pos;
    private int _line = 1;

    private HoconScanner(string text) => _text = text;

    public static HoconPositions Scan(string text)
    {
        var scanner = new HoconScanner(text);
        try
        {
            scanner.ParseRoot();
            return new HoconPositions(scanner._lines, null);
        }
        catch (SyntaxFailure failure)
        {
            return new HoconPositions(scanner._lines, new HoconSyntaxError(failure.Line, failure.Path, failure.Message));
        }
    }

    private sealed class SyntaxFailure(int line, string path, string message) : Exception(message)
    {
        public int Line { get; } = line;
        public string Path { get; } = path;
    }

    private SyntaxFailure Fail(string path, string message) => new(_line, path, message);

    private bool AtEnd => _pos >= _text.Length;

    private char Peek(int ahead = 0) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

    private bool AtComment => Peek() == '#' || (Peek() == '/' && Peek(1) == '/');

    private static bool IsUnquoted(char c) => c != '\0' && !char.IsWhiteSpace(c) && NotUnquoted.IndexOf(c) < 0;

    private bool AtUnquoted => IsUnquoted(Peek()) && !AtComment;

    private static string Show(char c) => c switch { '\0' => "the end of the file", '\n' => "a new line", _ => $"'{c}'" };

    /// <summary>Skips spaces, tabs and comments, and new lines too when <paramref name="newLines"/> is set.</summary>
    private void SkipBlank(bool newLines)
    {
        while (!AtEnd)
        {
            var c = Peek();
            if (c == '\n')
            {
                if (!newLines) return;
                _line++;
                _pos++;
            }
            else if (char.IsWhiteSpace(c) || c == '\uFEFF') _pos++;
            else if (AtComment) { while (!AtEnd && Peek() != '\n') _pos++; }
            else return;
        }
    }

    private void ParseRoot()
    {
        SkipBlank(true);
        if (Peek() == '{')
        {
            ParseObject("");
            SkipBlank(true);
            if (!AtEnd) throw Fail("", $"unexpected {Show(Peek())} after the '}}' that closes the file's outer object");
        }
        else
        {
            ParseFields("", '\0', 0);
        }
    }

    private void ParseObject(string path)
    {
        var open = _line;
        _pos++;
        ParseFields(path, '}', open);
        _pos++;
    }

    /// <summary>Fields of an object up to (not including) <paramref name="close"/>, or to the end of the text at the root.</summary>
    private void ParseFields(string prefix, char close, int openLine)
    {
        while (true)
        {
            SkipBlank(true);
            if (AtEnd)
            {
                if (close == '\0') return;
                throw Fail(prefix, $"missing '}}' to close the object opened on line {openLine}");
            }
            var c = Peek();
            if (c == close) return;
            if (c == '}' || c == ']' || c == ',') throw Fail(prefix, Stray(c));
            var key = ParseField(prefix);
            SkipBlank(false);
            c = Peek();
            if (AtEnd || c == '\n' || c == close) continue;
            if (c == ',') { _pos++; continue; }
            throw Fail(key, c is '}' or ']' ? Stray(c) : $"expected a new line or ',' after the value of '{key}', found {Show(c)}");
        }
    }

    private static string Stray(char c) => c switch
    {
        '}' => "unexpected '}': there is no open '{' to close here",
        ']' => "unexpected ']': there is no open '[' to close here",
        _ => "unexpected ',': a key is missing",
    };

    /// <summary>Reads "key = value", "key : value" or "key { ... }"; returns the full path of the key.</summary>
    private string ParseField(string prefix)
    {
        var line = _line;
        var segments = ParseKey(prefix);
        var path = prefix;
        for (var i = 0; i < segments.Count; i++)
        {
            path = HoconPositions.Join(path, segments[i]);
            // "a.b.c = 1" also opens a and a.b here, unless they were set earlier.
            if (i < segments.Count - 1) _lines.TryAdd(path, line);
        }
        SkipBlank(false);
        var c = Peek();
        if (segments is ["include"] && (c == '"' || IsUnquoted(c)))
            throw Fail(prefix, "'include' is not supported in scenario files");
        if (c == '{')
        {
            _lines[path] = line;
            ParseObject(path);
            return path;
        }
        if (c == '=' || c == ':')
        {
            _pos++;
            SkipBlank(false);
            if (AtEnd || Peek() == '\n') throw Fail(path, $"missing value after '{c}' for '{path}' (the value must start on the same line)");
            ParseValue(path, line, null);
            return path;
        }
        if (c == '+' && Peek(1) == '=') throw Fail(path, "'+=' is not supported in scenario files; write the whole list");
        throw Fail(path, $"expected '=', ':' or '{{' after the key '{path}', found {Show(c)}");
    }

    private List<string> ParseKey(string prefix)
    {
        var segments = new List<string>();
        var current = new StringBuilder();
        var hasSegment = false;
        while (!AtEnd)
        {
            var c = Peek();
            if (c == '"')
            {
                if (Peek(1) == '"' && Peek(2) == '"') throw Fail(prefix, "a key cannot be a \"\"\" string");
                current.Append(ReadQuoted(prefix));
                hasSegment = true;
            }
            else if (c == '.')
            {
                if (!hasSegment) throw Fail(prefix, "a key has an empty part (two dots, or a dot at its start)");
                segments.Add(current.ToString());
                current.Clear();
                hasSegment = false;
                _pos++;
            }
            else if (AtUnquoted)
            {
                current.Append(c);
                hasSegment = true;
                _pos++;
            }
            else break;
        }
        if (!hasSegment)
        {
            if (segments.Count > 0) throw Fail(prefix, "a key must not end with '.'");
            throw Fail(prefix, $"expected a key, found {Show(Peek())}");
        }
        segments.Add(current.ToString());
        return segments;
    }

    /// <summary>
    /// A value: an object, a list, or one or more simple values on one line ("10 Gbps" is one value).
    /// <paramref name="listOpenLine"/> is set for list elements, to explain a missing ']'.
    /// </summary>
    private void ParseValue(string path, int line, int? listOpenLine)
    {
        var c = Peek();
        if (c != '{')
        {
            // A new non-object value replaces the old one (objects merge), so forget positions below it.
            var stale = _lines.Keys.Where(k => k.StartsWith(path + ".", StringComparison.Ordinal) || k.StartsWith(path + "[", StringComparison.Ordinal)).ToList();
            foreach (var k in stale) _lines.Remove(k);
        }
        _lines[path] = line;
        if (c == '{') { ParseObject(path); return; }
        if (c == '[') { ParseList(path); return; }
        while (true)
        {
            c = Peek();
            if (c == '"')
            {
                if (Peek(1) == '"' && Peek(2) == '"') ReadTripleQuoted(path);
                else ReadQuoted(path);
            }
            else if (c == '$') ReadSubstitution(path);
            else if (AtUnquoted) { while (AtUnquoted) _pos++; }
            else if (c is '{' or '[') throw Fail(path, $"'{c}' cannot follow a simple value on the same line");
            else if (listOpenLine is { } open && c is '=' or ':')
                throw Fail(path, $"unexpected '{c}' inside the list opened on line {open}; is a ']' missing?");
            else throw Fail(path, $"unexpected {Show(c)} in the value of '{path}'");

            while (!AtEnd && Peek() != '\n' && char.IsWhiteSpace(Peek())) _pos++;
            c = Peek();
            if (AtEnd || c is '\n' or ',' or '}' or ']' || AtComment) return;
        }
    }

    private void ParseList(string path)
    {
        var open = _line;
        _pos++;
        var index = 0;
        while (true)
        {
            SkipBlank(true);
            if (AtEnd) throw Fail(path, $"missing ']' to close the list opened on line {open}");
            var c = Peek();
            if (c == ']') { _pos++; return; }
            if (c == ',') throw Fail(path, "unexpected ',' in a list: an element is missing");
            if (c == '}') throw Fail(path, $"expected ']' to close the list opened on line {open}, found '}}'");
            var element = $"{path}[{index++}]";
            ParseValue(element, _line, open);
            SkipBlank(false);
            c = Peek();
            if (AtEnd || c is '\n' or ']') continue;
            if (c == ',') { _pos++; continue; }
            throw Fail(element, $"expected ',' or ']' in the list opened on line {open}, found {Show(c)}");
        }
    }

    private string ReadQuoted(string path)
    {
        _pos++;
        var text = new StringBuilder();
        while (true)
        {
            if (AtEnd || Peek() == '\n')
                throw Fail(path, "unterminated string: a quoted string must end on the line it starts (use \"\"\" for several lines)");
            var c = _text[_pos++];
            if (c == '"') return text.ToString();
            if (c != '\\') { text.Append(c); continue; }
            var e = Peek();
            _pos++;
            switch (e)
            {
                case '"' or '\\' or '/': text.Append(e); break;
                case 'b': text.Append('\b'); break;
                case 'f': text.Append('\f'); break;
                case 'n': text.Append('\n'); break;
                case 'r': text.Append('\r'); break;
                case 't': text.Append('\t'); break;
                case 'u' when _pos + 4 <= _text.Length
                              && int.TryParse(_text.AsSpan(_pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code):
                    text.Append((char)code);
                    _pos += 4;
                    break;
                default:
                    _pos--;
                    throw Fail(path, $"invalid escape '\\{(e == '\0' || e == '\n' ? "" : e.ToString())}' in a quoted string");
            }
        }
    }

    private void ReadTripleQuoted(string path)
    {
        var open = _line;
        var end = _text.IndexOf("\"\"\"", _pos + 3, StringComparison.Ordinal);
        if (end < 0) throw Fail(path, $"unterminated \"\"\" string opened on line {open}");
        end += 3;
        while (end < _text.Length && _text[end] == '"') end++; // extra quotes belong to the string
        for (var i = _pos; i < end; i++) if (_text[i] == '\n') _line++;
        _pos = end;
    }

    private void ReadSubstitution(string path)
    {
        if (Peek(1) != '{') throw Fail(path, "unexpected '$' (a substitution is written ${path})");
        if (Peek(2) == '?') throw Fail(path, "optional substitutions ${?...} are not supported in scenario files");
        var close = _text.IndexOfAny(['}', '\n'], _pos + 2);
        if (close < 0 || _text[close] != '}') throw Fail(path, "unterminated substitution: '${' needs a '}' on the same line");
        if (_text.AsSpan(_pos + 2, close - _pos - 2).Trim().Length == 0) throw Fail(path, "empty substitution ${}");
        _pos = close + 1;
    }
}
