namespace DcSim.ActorsNetwork.OpenFlow;

/// <summary>
/// One item of OVS flow or action syntax: <c>key</c>, <c>key=value</c>, <c>key:value</c> or <c>key(value)</c>.
/// <see cref="Value"/> is null for a bare key; <see cref="Text"/> is the item as written, for error messages.
/// </summary>
public readonly record struct FlowItem(string Key, string? Value, string Text)
{
    /// <summary>The value, or the empty string for a bare key: OVS treats <c>dec_ttl</c>, <c>dec_ttl()</c> and <c>dec_ttl:</c> alike.</summary>
    public string ValueOrEmpty => Value ?? "";
}

/// <summary>
/// Splits OVS key/value lists exactly as OVS's <c>ofputil_parse_key_value</c> (lib/ofp-parse.c) does, so
/// that an item boundary, and therefore what a rule means, never differs from <c>ovs-ofctl</c>'s reading.
/// </summary>
/// <remarks>
/// Items are separated by commas and blanks. The key ends at the first of <c>:=(</c> or a separator;
/// after <c>:</c> or <c>=</c> the value runs to the next separator outside parentheses, after <c>(</c> it
/// runs to the matching <c>)</c>, and an item may follow the <c>)</c> directly. A parenthesis that is
/// never closed extends its value to the end of the text: OVS reads <c>resubmit(,10</c> as
/// <c>resubmit(,10)</c> and <c>in_port=(1,</c> as the (bad) port <c>(1,</c>. An earlier splitter
/// dropped everything after such a parenthesis, which silently changed rules.
/// </remarks>
public static class FlowTokenizer
{
    private const string Separators = ", \t\r\n";

    public static List<FlowItem> Split(string s)
    {
        var items = new List<FlowItem>();
        var pos = 0;
        while (true)
        {
            while (pos < s.Length && Separators.Contains(s[pos])) pos++;
            if (pos >= s.Length) return items;
            var start = pos;
            var keyEnd = pos;
            while (keyEnd < s.Length && !":=(".Contains(s[keyEnd]) && !Separators.Contains(s[keyEnd])) keyEnd++;
            var key = s[start..keyEnd];
            if (keyEnd == s.Length || Separators.Contains(s[keyEnd]))
            {
                items.Add(new FlowItem(key, null, key));
                pos = keyEnd;
                continue;
            }
            var paren = s[keyEnd] == '(';
            var valueStart = keyEnd + 1;
            var valueEnd = ValueEnd(s, valueStart, paren ? ")" : Separators);
            // OVS's special case "key(x)->y" (e.g. a field written as a function): the value runs on after ")->".
            if (paren && valueEnd + 2 < s.Length && s[valueEnd] == ')' && s[valueEnd + 1] == '-' && s[valueEnd + 2] == '>')
            {
                valueEnd = ValueEnd(s, valueEnd, Separators);
            }
            var textEnd = valueEnd < s.Length && s[valueEnd] == ')' ? valueEnd + 1 : valueEnd;
            items.Add(new FlowItem(key, s[valueStart..valueEnd], s[start..textEnd]));
            pos = valueEnd < s.Length ? valueEnd + 1 : valueEnd;
        }
    }

    /// <summary>The end of a value starting at <paramref name="i"/>: the first delimiter outside parentheses, or the end.</summary>
    private static int ValueEnd(string s, int i, string delimiters)
    {
        while (i < s.Length && !delimiters.Contains(s[i]))
        {
            if (s[i] != '(')
            {
                i++;
                continue;
            }
            var level = 0;
            do
            {
                if (s[i] == '(') level++;
                else if (s[i] == ')') level--;
                i++;
                if (i == s.Length) return i;
            }
            while (level > 0);
        }
        return i;
    }
}
