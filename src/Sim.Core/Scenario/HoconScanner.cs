using System.Globalization;
using System.Text;

namespace DcSim.SimCore.Scenario;

/// <summary>
/// A strict recursive-descent reader of the HOCON that scenario files use: objects (braces optional at
/// the root), dotted and quoted keys, <c>=</c>/<c>:</c>/<c>{</c> separators, lists, quoted, triple-quoted
/// and unquoted values, <c>${path}</c> substitutions, <c>#</c> and <c>//</c> comments.
/// It builds no values (Akka's parser does that); it records the line of every key path and every
/// substitution, and stops at the first syntax error. It exists because Akka 1.5's parser keeps no positions
/// and accepts malformed text silently or never returns: a stray <c>}</c> or an unterminated string is
/// accepted, an unclosed list or a <c>${?x}</c> substitution makes it loop forever, a substitution cycle or
/// deep nesting overflows its stack, and an object replaced by a list keeps the object. So every text passes
/// through here first, and Akka parses <see cref="HoconPositions.Text"/>, this text with the one construct
/// Akka misreads rewritten (see <see cref="ParseFields"/>).
/// Every step is linear in the text: a replaced value forgets the positions below it through an index of
/// children, and nesting is limited to <see cref="MaxDepth"/> (Akka's parser and ours recurse).
/// </summary>
internal sealed class HoconScanner
{
    /// <summary>Characters that end an unquoted key or value (the HOCON specification's list).</summary>
    private const string NotUnquoted = "$\"{}[]:=,+#`^?!@*&\\";

    /// <summary>Objects and lists nested deeper than this are refused (a scenario needs 5 levels).</summary>
    public const int MaxDepth = 64;

    /// <summary>What <see cref="Peek"/> returns past the end; a U+FFFF in the text itself is refused as a control character.</summary>
    private const char End = '\uFFFF';

    private readonly string _text;
    private readonly char[] _normalized;
    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _children = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _objects = new(StringComparer.Ordinal);
    private readonly List<HoconSubstitution> _substitutions = [];
    private int _pos;
    private int _line = 1;
    private int _depth;

    private HoconScanner(string text)
    {
        _text = text;
        _normalized = text.ToCharArray();
    }

    public static HoconPositions Scan(string text)
    {
        var scanner = new HoconScanner(text);
        HoconSyntaxError? error = null;
        try
        {
            scanner.ParseRoot();
            error = HoconSubstitutions.FindCycle(scanner._substitutions);
        }
        catch (SyntaxFailure failure)
        {
            error = new HoconSyntaxError(failure.Line, failure.Path, failure.Message);
        }
        return new HoconPositions(scanner._lines, error, new string(scanner._normalized), scanner._substitutions);
    }

    private sealed class SyntaxFailure(int line, string path, string message) : Exception(message)
    {
        public int Line { get; } = line;
        public string Path { get; } = path;
    }

    private SyntaxFailure Fail(string path, string message) => new(_line, path, message);

    private bool AtEnd => _pos >= _text.Length;

    private char Peek(int ahead = 0) => _pos + ahead < _text.Length ? _text[_pos + ahead] : End;

    private bool AtComment => Peek() == '#' || (Peek() == '/' && Peek(1) == '/');

    private static bool IsUnquoted(char c) => !IsControl(c) && !char.IsWhiteSpace(c) && NotUnquoted.IndexOf(c) < 0;

    /// <summary>Space within a line: spaces, tabs, a byte-order mark; not a control character such as a vertical tab.</summary>
    private static bool IsBlank(char c) => c is '\t' or '\r' or '\uFEFF' || (char.IsWhiteSpace(c) && !char.IsControl(c));

    /// <summary>Characters no scenario text has: NUL and the other C0/C1 controls but tab and line ends, and U+FFFF.</summary>
    private static bool IsControl(char c) => c == End || (char.IsControl(c) && c is not ('\t' or '\n' or '\r'));

    private bool AtUnquoted => IsUnquoted(Peek()) && !AtComment;

    private string Show(char c) => c switch
    {
        End when AtEnd => "the end of the file",
        '\n' => "a new line",
        // A UTF-16 file read as UTF-8 has a NUL after every ASCII letter.
        '\0' => "a NUL byte (U+0000): a scenario is UTF-8 text, not UTF-16 or binary",
        _ when IsControl(c) => $"the control character U+{(int)c:X4}",
        _ => $"'{c}'",
    };

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
            else if (IsBlank(c)) _pos++;
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
            ParseFields("", End, 0);
        }
    }

    private void ParseObject(string path)
    {
        var open = _line;
        Enter(path);
        _pos++;
        ParseFields(path, '}', open);
        _pos++;
        _depth--;
    }

    /// <summary>One level deeper: an object, a list, or a part of a dotted key.</summary>
    private void Enter(string path)
    {
        if (++_depth > MaxDepth)
            throw Fail(path, $"objects and lists are nested more than {MaxDepth} deep here; a scenario needs a handful of levels");
    }

    /// <summary>
    /// Fields of an object up to (not including) <paramref name="close"/>, or to the end of the text at the root.
    /// Akka's parser fails ("Unknown token") on a ',' after a field written "key { ... }" although it reads
    /// "key = { ... }," and "key { ... } next = 1"; that ',' is a space in the text Akka parses.
    /// </summary>
    private void ParseFields(string prefix, char close, int openLine)
    {
        while (true)
        {
            SkipBlank(true);
            if (AtEnd)
            {
                if (close == End) return;
                throw Fail(prefix, $"missing '}}' to close the object opened on line {openLine}");
            }
            var c = Peek();
            if (c == close && close != End) return;
            if (c == '}' || c == ']' || c == ',') throw Fail(prefix, Stray(c));
            var (key, braced) = ParseField(prefix);
            SkipBlank(false);
            c = Peek();
            if (AtEnd || c == '\n' || c == close) continue;
            if (c == ',')
            {
                if (braced) _normalized[_pos] = ' ';
                _pos++;
                continue;
            }
            throw Fail(key, c is '}' or ']' ? Stray(c) : $"expected a new line or ',' after the value of '{key}', found {Show(c)}");
        }
    }

    private static string Stray(char c) => c switch
    {
        '}' => "unexpected '}': there is no open '{' to close here",
        ']' => "unexpected ']': there is no open '[' to close here",
        _ => "unexpected ',': a key is missing",
    };

    /// <summary>
    /// Reads "key = value", "key : value" or "key { ... }"; returns the full path of the key, and whether it
    /// was the "key { ... }" form.
    /// </summary>
    private (string Path, bool Braced) ParseField(string prefix)
    {
        var line = _line;
        var segments = ParseKey(prefix);
        if (_depth + segments.Count > MaxDepth)
            throw Fail(prefix, $"objects and lists are nested more than {MaxDepth} deep here (counting the parts of a dotted key); a scenario needs a handful of levels");
        var path = prefix;
        var parent = prefix;
        for (var i = 0; i < segments.Count; i++)
        {
            parent = path;
            path = HoconPositions.Join(path, segments[i]);
            // "a.b.c = 1" also opens a and a.b here, unless they were set earlier.
            if (i < segments.Count - 1)
            {
                Record(parent, path, line, keepExisting: true);
                _objects.TryAdd(path, line);
            }
        }
        SkipBlank(false);
        var c = Peek();
        if (segments is ["include"] && (c == '"' || IsUnquoted(c)))
            throw Fail(prefix, "'include' is not supported in scenario files");
        if (c == '{')
        {
            Record(parent, path, line, keepExisting: false);
            _objects.TryAdd(path, line);
            ParseObject(path);
            return (path, true);
        }
        if (c == '=' || c == ':')
        {
            _pos++;
            SkipBlank(false);
            if (AtEnd || Peek() == '\n') throw Fail(path, $"missing value after '{c}' for '{path}' (the value must start on the same line)");
            ParseValue(parent, path, line, null);
            return (path, false);
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
                var quoted = ReadQuoted(prefix);
                // Akka reads "" = 1 as a key with no name, which no message could name.
                if (quoted.Length == 0 && current.Length == 0) throw Fail(prefix, "a key (or a part of a dotted key) cannot be the empty string \"\"");
                current.Append(quoted);
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
    private void ParseValue(string parent, string path, int line, int? listOpenLine)
    {
        var c = Peek();
        if (c == '[' && _objects.TryGetValue(path, out var objectLine))
            // HOCON says the list replaces the object; Akka 1.5 keeps the object and drops the list without a word.
            throw Fail(path, $"'{path}' is an object (set on line {objectLine}) and is set again to a list here; a key holds one or the other: remove one of them");
        if (c != '{')
        {
            // A new non-object value replaces the old one (objects merge), so forget positions below it.
            Forget(path);
            _objects.Remove(path);
        }
        Record(parent, path, line, keepExisting: false);
        if (c == '{') { _objects.TryAdd(path, line); ParseObject(path); return; }
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

            while (!AtEnd && Peek() != '\n' && IsBlank(Peek())) _pos++;
            c = Peek();
            if (AtEnd || c is '\n' or ',' or '}' or ']' || AtComment) return;
        }
    }

    private void ParseList(string path)
    {
        var open = _line;
        Enter(path);
        _pos++;
        var index = 0;
        while (true)
        {
            SkipBlank(true);
            if (AtEnd) throw Fail(path, $"missing ']' to close the list opened on line {open}");
            var c = Peek();
            if (c == ']') { _pos++; _depth--; return; }
            if (c == ',') throw Fail(path, "unexpected ',' in a list: an element is missing");
            if (c == '}') throw Fail(path, $"expected ']' to close the list opened on line {open}, found '}}'");
            var element = $"{path}[{index++}]";
            ParseValue(path, element, _line, open);
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
            if (IsControl(c))
            {
                _pos--;
                throw Fail(path, $"{Show(c)} in a quoted string");
            }
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
                    throw Fail(path, $"invalid escape '\\{(e == End || e == '\n' ? "" : e.ToString())}' in a quoted string");
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
        for (; _pos < end; _pos++)
        {
            if (_text[_pos] == '\n') _line++;
            else if (IsControl(_text[_pos])) throw Fail(path, $"{Show(_text[_pos])} in a \"\"\" string");
        }
    }

    private void ReadSubstitution(string path)
    {
        if (Peek(1) != '{') throw Fail(path, "unexpected '$' (a substitution is written ${path})");
        if (Peek(2) == '?') throw Fail(path, "optional substitutions ${?...} are not supported in scenario files");
        var close = _text.IndexOfAny(['}', '\n'], _pos + 2);
        if (close < 0 || _text[close] != '}') throw Fail(path, "unterminated substitution: '${' needs a '}' on the same line");
        var target = _text.AsSpan(_pos + 2, close - _pos - 2).Trim().ToString();
        if (target.Length == 0) throw Fail(path, "empty substitution ${}");
        // Akka's parser loops forever on some other contents ("${{ kind = cbr }").
        if (target.Split('.').Any(part => part.Length == 0 || !part.All(IsUnquoted)))
            throw Fail(path, $"'${{{target}}}' is not a substitution: write ${{path.of.a.key}}, unquoted keys joined by dots");
        _substitutions.Add(new HoconSubstitution(path, target, _line));
        _pos = close + 1;
    }

    /// <summary>Records the line of <paramref name="path"/>, a child of <paramref name="parent"/>.</summary>
    private void Record(string parent, string path, int line, bool keepExisting)
    {
        if (_lines.ContainsKey(path))
        {
            if (!keepExisting) _lines[path] = line;
            return;
        }
        _lines[path] = line;
        if (!_children.TryGetValue(parent, out var children)) _children[parent] = children = [];
        children.Add(path);
    }

    /// <summary>Forgets the positions below <paramref name="path"/> (not its own): each recorded path is forgotten at most once.</summary>
    private void Forget(string path)
    {
        if (!_children.Remove(path, out var stack)) return;
        while (stack.Count > 0)
        {
            var child = stack[^1];
            stack.RemoveAt(stack.Count - 1);
            _lines.Remove(child);
            _objects.Remove(child);
            if (_children.Remove(child, out var grandchildren)) stack.AddRange(grandchildren);
        }
    }
}
