using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;

namespace DcSim.Runner.Hosting;

/// <summary>A message between a sweep and the <see cref="SweepWorker"/> of a cluster member; every one carries the attempt it is about.</summary>
internal interface ISweepMessage;

/// <summary>
/// Run one point: its resolved scenario, and the directory its relative paths (rule and CDF files) are resolved against,
/// which must hold the same files on the member as on the sweep's machine. <paramref name="Attempt"/> is the sweep's
/// number for this hand-out of the point (a point handed out again gets a new one).
/// </summary>
internal sealed record RunPoint(int Attempt, int Point, string ScenarioHocon, string BaseDirectory) : ISweepMessage;

/// <summary>The member has the point (queued behind any other it runs): it is a live `dcsim` member that runs points.</summary>
internal sealed record PointAccepted(int Attempt) : ISweepMessage;

/// <summary>
/// One piece of a point's results (<see cref="DcSim.SimCore.Metrics.ResultsCodec"/> bytes), so that no message comes near
/// the remoting frame size however large the results; <paramref name="WallMicroseconds"/> is the run's wall time on the member.
/// </summary>
internal sealed record PointResultChunk(int Attempt, int Index, int Count, long WallMicroseconds, byte[] Bytes) : ISweepMessage;

/// <summary>The point's run threw on the member: its message.</summary>
internal sealed record PointFailed(int Attempt, string Message) : ISweepMessage;

/// <summary>Binary serializer of the sweep messages (never Akka's JSON default: results are megabytes of bytes). Manifests never change once assigned.</summary>
internal sealed class SweepSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public override int Identifier => 4172;

    public static Config Binding { get; } = ConfigurationFactory.ParseString($$"""
        akka.actor {
          serializers.dcsim-sweep = "{{typeof(SweepSerializer).AssemblyQualifiedName}}"
          serialization-bindings { "{{typeof(ISweepMessage).AssemblyQualifiedName}}" = dcsim-sweep }
        }
        """);

    public override string Manifest(object o) => o switch
    {
        RunPoint => "RP",
        PointAccepted => "PA",
        PointResultChunk => "PC",
        PointFailed => "PF",
        _ => throw new ArgumentException($"{o.GetType()} is not a sweep message", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms))
        {
            switch (obj)
            {
                case RunPoint m: w.Write(m.Attempt); w.Write(m.Point); w.Write(m.ScenarioHocon); w.Write(m.BaseDirectory); break;
                case PointAccepted m: w.Write(m.Attempt); break;
                case PointResultChunk m: w.Write(m.Attempt); w.Write(m.Index); w.Write(m.Count); w.Write(m.WallMicroseconds); w.Write(m.Bytes.Length); w.Write(m.Bytes); break;
                case PointFailed m: w.Write(m.Attempt); w.Write(m.Message); break;
                default: throw new ArgumentException($"{obj.GetType()} is not a sweep message", nameof(obj));
            }
        }
        return ms.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var r = new BinaryReader(new MemoryStream(bytes));
        return manifest switch
        {
            "RP" => new RunPoint(r.ReadInt32(), r.ReadInt32(), r.ReadString(), r.ReadString()),
            "PA" => new PointAccepted(r.ReadInt32()),
            "PC" => new PointResultChunk(r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt64(), r.ReadBytes(r.ReadInt32())),
            "PF" => new PointFailed(r.ReadInt32(), r.ReadString()),
            _ => throw new ArgumentException($"unknown sweep message manifest '{manifest}'", nameof(manifest)),
        };
    }
}
