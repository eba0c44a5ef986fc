namespace DcSim.ActorsNetwork.OpenFlow;

/// <summary>Why a token was refused; the fuzz suite (tests/Actors.Network.Tests/Fuzz) compares DcSim's refusals with OVS's verdicts by it.</summary>
public enum FlowRefusal
{
    /// <summary>Invalid syntax or value: <c>ovs-ofctl</c> refuses it too.</summary>
    Invalid,

    /// <summary>Possibly valid for OVS, but a field or action DcSim does not model.</summary>
    NotModelled,

    /// <summary>
    /// A value OVS accepts but silently changes (a MAC octet <c>400</c> read as <c>00</c>, <c>nw_tos=3</c> as 0,
    /// <c>arp_op=256</c> as 0): DcSim refuses it rather than install a rule other than the one written.
    /// </summary>
    OvsWouldChange,
}

/// <summary>A token of OVS flow or action syntax that could not be understood; <see cref="Token"/> is the offending text.</summary>
public sealed class FlowSyntaxException(string token, string message, FlowRefusal refusal = FlowRefusal.Invalid) : Exception(message)
{
    public string Token { get; } = token;

    /// <summary>Whether <c>ovs-ofctl</c> would refuse the token as well (<see cref="FlowRefusal.Invalid"/>) or DcSim is stricter.</summary>
    public FlowRefusal Refusal { get; } = refusal;

    public static FlowSyntaxException Unmodelled(string token, string message) => new(token, message, FlowRefusal.NotModelled);

    public static FlowSyntaxException OvsWouldChange(string token, string message) => new(token, message, FlowRefusal.OvsWouldChange);
}

/// <summary>
/// A rule file that could not be read. <see cref="Exception.Message"/> lists every error, one per line,
/// as <c>FILE:LINE: token 'X': message</c>.
/// </summary>
public sealed class RuleParseException(IReadOnlyList<string> errors) : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
