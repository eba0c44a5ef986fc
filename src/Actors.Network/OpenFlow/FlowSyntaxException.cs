namespace DcSim.ActorsNetwork.OpenFlow;

/// <summary>A token of OVS flow or action syntax that could not be understood; <see cref="Token"/> is the offending text.</summary>
public sealed class FlowSyntaxException(string token, string message) : Exception(message)
{
    public string Token { get; } = token;
}

/// <summary>
/// A rule file that could not be read. <see cref="Exception.Message"/> lists every error, one per line,
/// as <c>FILE:LINE: token 'X': message</c>.
/// </summary>
public sealed class RuleParseException(IReadOnlyList<string> errors) : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
