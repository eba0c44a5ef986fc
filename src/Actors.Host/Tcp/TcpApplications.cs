using DcSim.ActorsHost.Traffic;

namespace DcSim.ActorsHost.Tcp;

/// <summary>Conventions the TCP applications share: the service port of each generator, and which generator kinds run over TCP.</summary>
internal static class TcpApplications
{
    /// <summary>Generator i's server listens on 5000 + i, as the UDP generators' receivers do.</summary>
    public const int FirstServicePort = 5000;

    public static bool IsTcp(GeneratorKind kind) => kind is GeneratorKind.TcpBulk or GeneratorKind.TcpRr or GeneratorKind.TcpFlows or GeneratorKind.Incast;

    public static ushort ServicePort(int generator) => (ushort)(FirstServicePort + generator);
}
