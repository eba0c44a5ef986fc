using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Serialization;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.SimCore.Cluster;

/// <summary>
/// Binary serializer for every <see cref="IDcSimMessage"/>. Akka's default JSON serializer is ~30×
/// slower and 3× larger (DESIGN §7); an event is its 29 bytes of header fields, then its packet's 104 bytes as they lie in memory.
/// Manifests are two characters and never change once assigned. Retired, never to be reused: PA, RE, ST, RU, RC (the controls and their
/// answer before they carried a control id), AR (<see cref="AbandonRun"/> before it carried the partition's index), GW and WC (the grant and
/// completion of one window, before stretches of windows), FR (<see cref="FinishRun"/> before the partitions parked with every event delivered),
/// PR and PD (<see cref="PartitionReady"/> and <see cref="PartitionDirectory"/> before they carried the data channel's endpoints).
/// </summary>
public sealed class DcSimSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 4171;

    public override int Identifier => Id;

    public override string Manifest(object o) => o switch
    {
        StartExperiment => "SX",
        InitPartition => "IP",
        PartitionReady => "P3",
        PartitionDirectory => "D2",
        ReleaseStretch => "RT",
        PeerWindow => "PW",
        ParkStretch => "PK",
        StretchProgressed => "SP",
        StretchParked => "SK",
        EventBatch => "EB",
        FinishRun => "F2",
        PartitionReport => "RP",
        RunProgress => "PG",
        ExperimentCompleted => "EC",
        ExperimentFailed => "EF",
        QueryServers => "QS",
        ServersSnapshot => "SS",
        CheckpointPart => "CP",
        CheckpointTaken => "CT",
        RestoreWanted => "RW",
        CheckpointFailed => "CF",
        PauseRun => "P2",
        ResumeRun => "R2",
        StopRun => "S2",
        RunControlled => "C2",
        ExperimentStopped => "ES",
        AbandonRun => "A2",
        RunPlaced => "PL",
        RunUntil => "U2",
        RunHeld => "RH",
        ApplyDirective => "AD",
        DirectiveApplied => "DA",
        PartitionDirective => "PV",
        DirectiveOutcome => "DO",
        _ => throw new ArgumentException($"{o.GetType()} is not a DcSim message", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms))
        {
            switch (obj)
            {
                case StartExperiment m:
                    w.Write(m.ScenarioHocon); w.Write(m.BaseDirectory); w.Write(m.Partitions); w.Write(m.From is not null);
                    m.From?.WriteTo(w);
                    break;
                case InitPartition m:
                    w.Write(m.Run); w.Write(m.Index); w.Write(m.Count); w.Write(m.ScenarioHocon); w.Write(m.BaseDirectory);
                    // Small numbers for each of up to ~100,000 LPs: 1 byte each.
                    w.Write(m.PartitionOfLp.Length);
                    foreach (var p in m.PartitionOfLp) w.Write7BitEncodedInt(p);
                    w.Write(m.RestoreParts);
                    break;
                case CheckpointPart m:
                    w.Write(m.Run); w.Write(m.Index); w.Write(m.Window); w.Write(m.SimulatedTime); w.Write(m.Part); w.Write(m.Parts);
                    w.Write(m.Bytes.Length); w.Write(m.Bytes);
                    break;
                case CheckpointTaken m: m.Point.WriteTo(w); w.Write(m.WallMicroseconds); break;
                case RestoreWanted m: w.Write(m.Run); w.Write(m.Index); break;
                case CheckpointFailed m: w.Write(m.Run); w.Write(m.Index); w.Write(m.Window); w.Write(m.Reason); break;
                case PartitionReady m: w.Write(m.Run); w.Write(m.Index); w.Write(m.NextEventTime); w.Write(m.Address); w.Write(m.DataEndpoint); break;
                case PartitionDirectory m:
                    w.Write(m.Partitions.Length);
                    foreach (var r in m.Partitions) w.Write(Akka.Serialization.Serialization.SerializedActorPath(r));
                    WriteStrings(w, m.DataEndpoints);
                    break;
                case ReleaseStretch m:
                    w.Write(m.Run); w.Write(m.Window); w.Write(m.Start); w.Write(m.End); w.Write(m.Checkpoint); w.Write(m.HoldAt); w.Write(m.StopAt);
                    w.Write(m.WallMicroseconds); w.Write(m.LastProgress); w.Write(m.Latency.Length);
                    foreach (var latency in m.Latency) w.Write(latency);
                    w.Write(m.EndTime); w.Write(m.ProgressInterval);
                    break;
                case PeerWindow m: WritePeerWindow(w, m); break;
                case ParkStretch m: w.Write(m.Run); w.Write(m.Stretch); break;
                case StretchProgressed m: w.Write(m.Run); w.Write(m.Window); w.Write(m.Start); w.Write(m.EventsProcessed); break;
                case StretchParked m:
                    w.Write(m.Run); w.Write(m.Index); w.Write(m.Window); w.Write(m.Start); w.Write(m.End); w.Write(m.NextEventTime); w.Write(m.LastProgress);
                    w.Write(m.EventsProcessed);
                    break;
                case EventBatch m: WriteEventBatch(w, m); break;
                case FinishRun m: w.Write(m.Run); w.Write(m.EndTime); break;
                case PartitionReport m:
                    w.Write(m.Run); w.Write(m.Index); w.Write(m.Results.Length); w.Write(m.Results); w.Write(m.EventsProcessed);
                    w.Write(m.BusyMicroseconds); w.Write(m.WallMicroseconds); Write(w, m.Memory);
                    break;
                case RunProgress m:
                    w.Write(m.SimulatedTime); w.Write(m.EndTime); w.Write(m.Windows); w.Write(m.EventsProcessed); w.Write(m.Restart is not null);
                    if (m.Restart is { } restart)
                    {
                        w.Write(restart.Member); w.Write(restart.What); w.Write(restart.Partitions.Length);
                        foreach (var index in restart.Partitions) w.Write(index);
                        w.Write(restart.LostAt); w.Write(restart.From.Window); w.Write(restart.From.SimulatedTime); w.Write(restart.Loss); w.Write(restart.MaxLosses);
                    }
                    break;
                case ExperimentCompleted m:
                    w.Write(m.Results.Length); w.Write(m.Results); w.Write(m.Windows); w.Write(m.Lookahead); w.Write(m.Partitions.Length);
                    foreach (var p in m.Partitions)
                    {
                        w.Write(p.Index); w.Write(p.Address); w.Write(p.EventsProcessed); w.Write(p.BusyMicroseconds); w.Write(p.WallMicroseconds);
                        Write(w, p.Memory);
                    }
                    w.Write(m.BuildMicroseconds); w.Write(m.RunMicroseconds);
                    break;
                case ExperimentFailed m: w.Write(m.Reason); w.Write(m.Run); break;
                case QueryServers m:
                    w.Write(m.QueryId); w.Write(m.Listing is not null);
                    if (m.Listing is { } l) { w.Write(l.Path); w.Write(l.Limit); w.Write(l.AtPs); }
                    break;
                case ServersSnapshot m: w.Write(m.QueryId); w.Write(m.SimulatedTime); w.Write(m.Results.Length); w.Write(m.Results); break;
                case PauseRun m: w.Write(m.ControlId); break;
                case ResumeRun m: w.Write(m.ControlId); break;
                case StopRun m: w.Write(m.ControlId); break;
                case RunControlled m: w.Write(m.ControlId); w.Write(m.Accepted); w.Write(m.State); w.Write(m.Detail); break;
                case ExperimentStopped m: w.Write(m.SimulatedTime); w.Write(m.Windows); break;
                case AbandonRun m: w.Write(m.Run); w.Write(m.Index); break;
                case RunPlaced m: WriteStrings(w, m.Addresses); break;
                case RunUntil m: w.Write(m.ControlId); w.Write(m.Until); break;
                case RunHeld m: w.Write(m.SimulatedTime); w.Write(m.Windows); w.Write(m.EventsProcessed); break;
                case ApplyDirective m: w.Write(m.Id); w.Write(m.Verb); WriteStrings(w, m.Arguments); break;
                case DirectiveApplied m:
                    w.Write(m.Id); w.Write(m.Accepted); w.Write(m.SimulatedTime); w.Write(m.Detail); WriteStrings(w, m.Entities);
                    break;
                case PartitionDirective m: w.Write(m.Run); w.Write(m.Id); w.Write(m.Time); w.Write(m.Verb); WriteStrings(w, m.Arguments); break;
                case DirectiveOutcome m:
                    w.Write(m.Run); w.Write(m.Id); w.Write(m.Index); w.Write(m.Handled); w.Write(m.Accepted); w.Write(m.Detail);
                    WriteStrings(w, m.Entities); w.Write(m.NextEventTime);
                    break;
                default: throw new ArgumentException($"{obj.GetType()} is not a DcSim message", nameof(obj));
            }
        }
        return ms.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var r = new BinaryReader(new MemoryStream(bytes));
        return manifest switch
        {
            "SX" => new StartExperiment(r.ReadString(), r.ReadString(), r.ReadInt32(), r.ReadBoolean() ? RecoveryPoint.ReadFrom(r) : null),
            "IP" => new InitPartition(r.ReadInt64(), r.ReadInt32(), r.ReadInt32(), r.ReadString(), r.ReadString(), ReadArray(r, r.Read7BitEncodedInt), r.ReadInt32()),
            "CP" => new CheckpointPart(r.ReadInt64(), r.ReadInt32(), r.ReadInt64(), r.ReadInt64(), r.ReadInt32(), r.ReadInt32(), r.ReadBytes(r.ReadInt32())),
            "CT" => new CheckpointTaken(RecoveryPoint.ReadFrom(r), r.ReadInt64()),
            "RW" => new RestoreWanted(r.ReadInt64(), r.ReadInt32()),
            "CF" => new CheckpointFailed(r.ReadInt64(), r.ReadInt32(), r.ReadInt64(), r.ReadString()),
            "P3" => new PartitionReady(r.ReadInt64(), r.ReadInt32(), r.ReadInt64(), r.ReadString(), r.ReadString()),
            "D2" => new PartitionDirectory(ReadArray(r, () => system.Provider.ResolveActorRef(r.ReadString())), ReadArray(r, r.ReadString)),
            "RT" => new ReleaseStretch(r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadBoolean(), r.ReadInt64(), r.ReadInt64(),
                r.ReadInt64(), r.ReadInt64(), ReadArray(r, r.ReadInt64), r.ReadInt64(), r.ReadInt64()),
            "PW" => ReadPeerWindow(r),
            "PK" => new ParkStretch(r.ReadInt64(), r.ReadInt64()),
            "SP" => new StretchProgressed(r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64()),
            "SK" => new StretchParked(r.ReadInt64(), r.ReadInt32(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64()),
            "EB" => ReadEventBatch(r),
            "F2" => new FinishRun(r.ReadInt64(), r.ReadInt64()),
            "RP" => new PartitionReport(r.ReadInt64(), r.ReadInt32(), r.ReadBytes(r.ReadInt32()), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), ReadMemory(r)),
            "PG" => new RunProgress(r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadBoolean() ? ReadRestart(r) : null),
            "EC" => new ExperimentCompleted(r.ReadBytes(r.ReadInt32()), r.ReadInt64(), r.ReadInt64(),
                ReadArray(r, () => new PartitionStats(r.ReadInt32(), r.ReadString(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), ReadMemory(r))),
                r.ReadInt64(), r.ReadInt64()),
            "EF" => new ExperimentFailed(r.ReadString(), r.ReadInt64()),
            "QS" => new QueryServers(r.ReadInt64(), r.ReadBoolean() ? new ListingQuery(r.ReadString(), r.ReadInt32(), r.ReadInt64()) : null),
            "SS" => new ServersSnapshot(r.ReadInt64(), r.ReadInt64(), r.ReadBytes(r.ReadInt32())),
            "P2" => new PauseRun(r.ReadInt64()),
            "R2" => new ResumeRun(r.ReadInt64()),
            "S2" => new StopRun(r.ReadInt64()),
            "C2" => new RunControlled(r.ReadInt64(), r.ReadBoolean(), r.ReadString(), r.ReadString()),
            "ES" => new ExperimentStopped(r.ReadInt64(), r.ReadInt64()),
            "A2" => new AbandonRun(r.ReadInt64(), r.ReadInt32()),
            "PL" => new RunPlaced(ReadArray(r, r.ReadString)),
            "U2" => new RunUntil(r.ReadInt64(), r.ReadInt64()),
            "RH" => new RunHeld(r.ReadInt64(), r.ReadInt64(), r.ReadInt64()),
            "AD" => new ApplyDirective(r.ReadInt64(), r.ReadString(), ReadArray(r, r.ReadString)),
            "DA" => new DirectiveApplied(r.ReadInt64(), r.ReadBoolean(), r.ReadInt64(), r.ReadString(), ReadArray(r, r.ReadString)),
            "PV" => new PartitionDirective(r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadString(), ReadArray(r, r.ReadString)),
            "DO" => new DirectiveOutcome(r.ReadInt64(), r.ReadInt64(), r.ReadInt32(), r.ReadBoolean(), r.ReadBoolean(), r.ReadString(),
                ReadArray(r, r.ReadString), r.ReadInt64()),
            _ => throw new System.Runtime.Serialization.SerializationException($"unknown DcSim manifest '{manifest}'"),
        };
    }

    /// <summary>A <see cref="PeerWindow"/>'s fields: its message body, and its frame's on the data channel (<see cref="DataChannel.Frames"/>).</summary>
    internal static void WritePeerWindow(BinaryWriter w, PeerWindow m) => WritePeerWindow(w, m, m.Events);

    /// <summary>A <see cref="PeerWindow"/>'s fields with <paramref name="events"/> in place of its own (a sender's reused list: no copy).</summary>
    internal static void WritePeerWindow(BinaryWriter w, PeerWindow m, ReadOnlySpan<SimEvent> events)
    {
        w.Write(m.Run); w.Write(m.From); w.Write(m.Window); w.Write(m.NextEventTime); w.Write(m.Held); w.Write(m.Park); w.Write(m.EventsProcessed);
        w.Write(m.Batches); WriteEvents(w, events, m.Parcels);
    }

    internal static PeerWindow ReadPeerWindow(BinaryReader r) => new(r.ReadInt64(), r.ReadInt32(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadBoolean(),
        r.ReadInt64(), r.ReadInt32(), ReadEvents(r), ReadParcels(r));

    /// <summary>An <see cref="EventBatch"/>'s fields, as <see cref="WritePeerWindow"/>.</summary>
    internal static void WriteEventBatch(BinaryWriter w, EventBatch m) => WriteEventBatch(w, m, m.Events);

    /// <summary>An <see cref="EventBatch"/>'s fields with <paramref name="events"/> in place of its own, as <see cref="WritePeerWindow(BinaryWriter, PeerWindow, ReadOnlySpan{SimEvent})"/>.</summary>
    internal static void WriteEventBatch(BinaryWriter w, EventBatch m, ReadOnlySpan<SimEvent> events)
    {
        w.Write(m.Run); w.Write(m.From); w.Write(m.Window); WriteEvents(w, events, m.Parcels);
    }

    internal static EventBatch ReadEventBatch(BinaryReader r) => new(r.ReadInt64(), r.ReadInt32(), r.ReadInt64(), ReadEvents(r), ReadParcels(r));

    private static RunRestart ReadRestart(BinaryReader r) => new(r.ReadString(), r.ReadString(), ReadArray(r, r.ReadInt32), r.ReadInt64(),
        new RecoveryPoint(r.ReadInt64(), r.ReadInt64()), r.ReadInt32(), r.ReadInt32());

    /// <summary>The events and parcel pieces of a <see cref="PeerWindow"/> or an <see cref="EventBatch"/>.</summary>
    private static void WriteEvents(BinaryWriter w, ReadOnlySpan<SimEvent> events, ParcelPiece[] parcels)
    {
        w.Write(events.Length);
        // An event is plain data (no references; a packet's bytes went as they are before): the array's memory goes in one copy, after its size, which
        // both ends check (the same build on the same kind of machine lays it out alike; padding bytes are never read back into fields).
        w.Write(EventBytes);
        w.Write(MemoryMarshal.AsBytes(events));
        w.Write(parcels.Length);
        foreach (var p in parcels)
        {
            w.Write(p.Lp); w.Write(p.Key); w.Write(p.Piece); w.Write(p.Pieces); w.Write(p.Bytes.Length); w.Write(p.Bytes);
        }
    }

    private static readonly int EventBytes = Unsafe.SizeOf<SimEvent>();

    private static SimEvent[] ReadEvents(BinaryReader r)
    {
        var count = r.ReadInt32();
        if (r.ReadInt32() is var size && size != EventBytes)
            throw new System.Runtime.Serialization.SerializationException($"events of {size} bytes from another build or machine, {EventBytes} here");
        var events = new SimEvent[count];
        r.ReadExactly(MemoryMarshal.AsBytes(events.AsSpan()));
        return events;
    }

    private static ParcelPiece[] ReadParcels(BinaryReader r) =>
        ReadArray(r, () => new ParcelPiece(r.ReadInt32(), r.ReadInt64(), r.ReadInt32(), r.ReadInt32(), r.ReadBytes(r.ReadInt32())));

    private static void Write(BinaryWriter w, ProcessMemory m)
    {
        w.Write(m.AllocatedBytes); w.Write(m.Collections); w.Write(m.PauseMicroseconds);
    }

    private static ProcessMemory ReadMemory(BinaryReader r) => new(r.ReadInt64(), r.ReadInt64(), r.ReadInt64());

    private static void WriteStrings(BinaryWriter w, string[] strings)
    {
        w.Write(strings.Length);
        foreach (var s in strings) w.Write(s);
    }

    private static T[] ReadArray<T>(BinaryReader r, Func<T> read)
    {
        var n = r.ReadInt32();
        var a = new T[n];
        for (var i = 0; i < n; i++) a[i] = read();
        return a;
    }
}
