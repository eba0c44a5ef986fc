using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.SimCore.Tests.Wire;

/// <summary>The two hashes of a 5-tuple: the symmetric one (one queue per conversation) and the per-direction flow hash.</summary>
public sealed class PacketHeadersSpec
{
    private const uint A = 0x0A00_0001, B = 0x0A00_0002, C = 0x0A00_0003; // 10.0.0.1, .2, .3

    private static PacketHeaders Tuple(uint srcIp, ushort srcPort, uint dstIp, ushort dstPort, byte protocol = PacketHeaders.Udp) =>
        new() { SourceIp = srcIp, SourcePort = srcPort, DestinationIp = dstIp, DestinationPort = dstPort, Protocol = protocol };

    private static PacketHeaders Swap(PacketHeaders h) => Tuple(h.DestinationIp, h.DestinationPort, h.SourceIp, h.SourcePort, h.Protocol);

    public static TheoryData<uint, ushort, uint, ushort> Conversations => new()
    {
        { A, 40000, B, 7 },
        { B, 7, A, 40000 },
        { A, 1, A, 2 },          // both ends on one address
        { C, 5201, A, 5201 },    // same port both ends
        { 0xC0A8_0001, 53, 0x0808_0808, 65535 },
    };

    [Theory]
    [MemberData(nameof(Conversations))]
    public void Symmetric_hash_must_be_the_same_both_ways(uint srcIp, ushort srcPort, uint dstIp, ushort dstPort)
    {
        var h = Tuple(srcIp, srcPort, dstIp, dstPort);
        Assert.Equal(h.SymmetricHash(), Swap(h).SymmetricHash());
    }

    [Fact]
    public void Symmetric_hash_must_tell_different_conversations_apart()
    {
        var hashes = new[]
        {
            Tuple(A, 40000, B, 7),
            Tuple(A, 40001, B, 7),                      // another source port
            Tuple(A, 40000, C, 7),                      // another peer
            Tuple(A, 7, B, 40000),                      // the ports exchanged but not the addresses
            Tuple(A, 40000, B, 7, PacketHeaders.Tcp),   // another protocol
        }.Select(h => h.SymmetricHash()).ToArray();

        Assert.Equal(hashes.Length, hashes.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Conversations))]
    public void Flow_hash_must_differ_between_the_two_directions(uint srcIp, ushort srcPort, uint dstIp, ushort dstPort)
    {
        var h = Tuple(srcIp, srcPort, dstIp, dstPort);
        Assert.NotEqual(h.FlowHash(), Swap(h).FlowHash());
    }
}
