using Akka.Actor;
using Akka.Serialization;
using DcSim.ActorsHost.Virtualization;
using DcSim.SimCore.Cluster;

namespace DcSim.Runner.Persistence;

/// <summary>
/// Binary serializer of the journal's events: the events stay in the database for as long as the run's results, so their
/// form is fixed here rather than left to Akka's JSON default (which names CLR types and is several times larger).
/// Counts and indices are 7-bit encoded, so a placement costs about 5 bytes per entity. Manifests never change once assigned:
/// a definition (and a snapshot, which holds one) that gained a field is written under a new manifest, and the old one is still read.
/// </summary>
public sealed class JournalSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public override int Identifier => 4173;

    public override string Manifest(object o) => o switch
    {
        ExperimentDefined => "XD2",
        ProgressRecorded => "XP",
        EntityMoved => "XM",
        ExperimentResumed => "XR",
        ExperimentFinished => "XF",
        CheckpointMarked => "XC",
        JournalSnapshot => "XS2",
        _ => throw new ArgumentException($"{o.GetType()} is not a journal event", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms))
        {
            switch (obj)
            {
                case ExperimentDefined e: WriteDefinition(w, e.Definition); break;
                case ProgressRecorded e: WriteProgress(w, e.Progress); break;
                case EntityMoved e: WriteMove(w, e); break;
                case ExperimentResumed e: WriteProgress(w, e.From); break;
                case ExperimentFinished e: WriteProgress(w, e.Final); break;
                case CheckpointMarked e: w.Write7BitEncodedInt64(e.Window + 1); w.Write7BitEncodedInt64(e.SimulatedTime); break;
                case JournalSnapshot e: WriteSnapshot(w, e); break;
                default: throw new ArgumentException($"{obj.GetType()} is not a journal event", nameof(obj));
            }
        }
        return ms.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var r = new BinaryReader(new MemoryStream(bytes));
        return manifest switch
        {
            "XD2" => new ExperimentDefined(ReadDefinition(r, withPartitions: true)),
            "XD" => new ExperimentDefined(ReadDefinition(r, withPartitions: false)),
            "XP" => new ProgressRecorded(ReadProgress(r)),
            "XM" => ReadMove(r),
            "XR" => new ExperimentResumed(ReadProgress(r)),
            "XF" => new ExperimentFinished(ReadProgress(r)),
            "XC" => new CheckpointMarked(r.Read7BitEncodedInt64() - 1, r.Read7BitEncodedInt64()),
            "XS2" => ReadSnapshot(r, withPartitions: true),
            "XS" => ReadSnapshot(r, withPartitions: false),
            _ => throw new ArgumentException($"unknown journal event manifest '{manifest}'", nameof(manifest)),
        };
    }

    private static void WriteDefinition(BinaryWriter w, ExperimentDefinition d)
    {
        w.Write(d.Name);
        w.Write(d.Seed);
        w.Write(d.ScenarioHocon);
        w.Write7BitEncodedInt(d.Partitions);
        w.Write7BitEncodedInt(d.PartitionOfLp.Length);
        foreach (var p in d.PartitionOfLp) w.Write7BitEncodedInt(p);
        w.Write7BitEncodedInt(d.Placement.Length);
        foreach (var e in d.Placement)
        {
            w.Write((byte)e.Kind);
            w.Write7BitEncodedInt(e.Template);
            w.Write7BitEncodedInt(e.Ordinal);
            w.Write7BitEncodedInt(e.Server);
            w.Write7BitEncodedInt(e.ParentVm + 1); // -1 (no parent VM) is 0, one byte
        }
        w.Write(d.BaseDirectory);
    }

    /// <param name="withPartitions">
    /// Whether the partition count was written ("XD2", "XS2"). Before it was, the count was taken as the highest partition holding an LP
    /// plus one, which is too few when a run asked for more partitions than the fabric has racks and switches.
    /// </param>
    private static ExperimentDefinition ReadDefinition(BinaryReader r, bool withPartitions)
    {
        var (name, seed, hocon) = (r.ReadString(), r.ReadUInt64(), r.ReadString());
        var partitions = withPartitions ? r.Read7BitEncodedInt() : 0;
        var partitionOfLp = new int[r.Read7BitEncodedInt()];
        for (var i = 0; i < partitionOfLp.Length; i++) partitionOfLp[i] = r.Read7BitEncodedInt();
        var placement = new PlacedEntity[r.Read7BitEncodedInt()];
        for (var i = 0; i < placement.Length; i++)
            placement[i] = new PlacedEntity((EntityKind)r.ReadByte(), r.Read7BitEncodedInt(), r.Read7BitEncodedInt(), r.Read7BitEncodedInt(), r.Read7BitEncodedInt() - 1);
        if (!withPartitions) partitions = partitionOfLp.Length == 0 ? 1 : partitionOfLp.Max() + 1;
        return new ExperimentDefinition(name, seed, hocon, partitions, partitionOfLp, placement, r.ReadString());
    }

    private static void WriteProgress(BinaryWriter w, JournalProgress p)
    {
        w.Write7BitEncodedInt64(p.SimulatedTime);
        w.Write7BitEncodedInt64(p.Windows);
        w.Write7BitEncodedInt64(p.EventsProcessed);
    }

    private static void WriteMove(BinaryWriter w, EntityMoved e)
    {
        w.Write7BitEncodedInt(e.Entity);
        w.Write7BitEncodedInt(e.Server);
        w.Write7BitEncodedInt64(e.VirtualTime);
    }

    private static void WriteSnapshot(BinaryWriter w, JournalSnapshot s)
    {
        w.Write(s.Definition is not null);
        if (s.Definition is { } definition) WriteDefinition(w, definition);
        WriteProgress(w, s.Progress);
        w.Write(s.Completed);
        w.Write7BitEncodedInt(s.Moves.Length);
        foreach (var m in s.Moves) WriteMove(w, m);
        w.Write7BitEncodedInt(s.Resumes);
        s.Checkpoint.WriteTo(w);
    }

    private static JournalSnapshot ReadSnapshot(BinaryReader r, bool withPartitions)
    {
        var definition = r.ReadBoolean() ? ReadDefinition(r, withPartitions) : null;
        var progress = ReadProgress(r);
        var completed = r.ReadBoolean();
        var moves = new EntityMoved[r.Read7BitEncodedInt()];
        for (var i = 0; i < moves.Length; i++) moves[i] = ReadMove(r);
        var resumes = r.Read7BitEncodedInt();
        return new JournalSnapshot(definition, progress, completed, moves, resumes, RecoveryPoint.ReadFrom(r));
    }

    private static EntityMoved ReadMove(BinaryReader r) => new(r.Read7BitEncodedInt(), r.Read7BitEncodedInt(), r.Read7BitEncodedInt64());

    private static JournalProgress ReadProgress(BinaryReader r) => new(r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64());
}
