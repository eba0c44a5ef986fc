namespace DcSim.ActorsHost.Traffic;

/// <summary>What the applications write in <see cref="SimCore.Wire.AppData.Kind"/>: the kind of message a packet belongs to.</summary>
internal enum AppKind : byte { Data = 0, Request = 1, Response = 2 }
