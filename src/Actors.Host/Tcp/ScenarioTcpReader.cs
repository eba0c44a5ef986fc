using System.Globalization;
using DcSim.SimCore.Scenario;

namespace DcSim.ActorsHost.Tcp;

/// <summary>Reads the scenario's <c>tcp</c> section (every endpoint's TCP stack) and writes it back resolved.</summary>
internal static class ScenarioTcpReader
{
    public static readonly ScenarioWordList CongestionControls =
        new(("newreno", (int)CongestionControlKind.NewReno), ("cubic", (int)CongestionControlKind.Cubic), ("dctcp", (int)CongestionControlKind.Dctcp));

    public static TcpSettings? Read(ScenarioSection t)
    {
        var ok = t.TryWord("congestion-control", CongestionControls, out var ccValue);
        var cc = (CongestionControlKind)ccValue;
        ok &= t.TrySize("mss", 88, 65_495, out var mss);
        ok &= t.TryInt("initial-window", 1, 1000, out var initialWindow);
        var rtoOk = t.TryTime("min-rto", 1, out var minRto) & t.TryTime("max-rto", 1, out var maxRto) & t.TryTime("initial-rto", 1, out var initialRto);
        if (rtoOk)
        {
            rtoOk = t.Check(minRto <= maxRto, "min-rto", t.Get("min-rto").FromFile,
                $"min-rto {ScenarioHoconWriter.Time(minRto)} is above max-rto {ScenarioHoconWriter.Time(maxRto)}");
            rtoOk &= t.Check(initialRto >= minRto && initialRto <= maxRto, "initial-rto", t.Get("initial-rto").FromFile,
                $"initial-rto {ScenarioHoconWriter.Time(initialRto)} must lie between min-rto {ScenarioHoconWriter.Time(minRto)} and max-rto {ScenarioHoconWriter.Time(maxRto)}");
        }
        ok &= rtoOk;
        ok &= t.TryInt("delayed-ack-segments", 1, 64, out var delayedAckSegments);
        ok &= t.TryTime("delayed-ack-timeout", 0, out var delayedAckTimeout);
        ok &= t.TryInt("duplicate-ack-threshold", 1, 1000, out var dupThreshold);
        ok &= t.TryBoolean("sack", out var sack);
        ok &= t.TryBoolean("ecn", out var ecn);
        var buffersOk = t.TrySize("send-buffer", 1, 1L << 40, out var sendBuffer) & t.TrySize("receive-buffer", 1, uint.MaxValue, out var receiveBuffer);
        if (buffersOk && ok)
        {
            buffersOk = t.Check(sendBuffer >= mss, "send-buffer", t.Get("send-buffer").FromFile, $"send-buffer {sendBuffer} B is smaller than one segment (mss {mss} B)");
            buffersOk &= t.Check(receiveBuffer >= mss, "receive-buffer", t.Get("receive-buffer").FromFile,
                $"receive-buffer {receiveBuffer} B is smaller than one segment (mss {mss} B)");
        }
        ok &= buffersOk;
        ok &= TryNumber(t, "dctcp-gain", 0, 1, out var gain);
        var cubic = t.Child("cubic");
        ok &= TryNumber(cubic, "c", 0, 100, out var c);
        ok &= TryNumber(cubic, "beta", 0, 1, out var beta) && cubic.Check(beta < 1, "beta", cubic.Get("beta").FromFile, "beta must be below 1 (the window after a loss is beta times the window before)");
        ok &= cubic.TryBoolean("tcp-friendly", out var friendly);
        ok &= cubic.TryBoolean("hystart", out var hyStart);
        ok &= t.TryBoolean("tso", out var tso);
        ok &= t.TryBoolean("gro", out var gro);
        ok &= t.TryInt("gro-segments", 1, 64, out var groSegments);
        ok &= t.TryTime("gro-window", 0, out var groWindow);
        return ok
            ? new TcpSettings(cc, (int)mss, initialWindow, minRto, maxRto, initialRto, delayedAckSegments, delayedAckTimeout, dupThreshold, sack, ecn, sendBuffer,
                receiveBuffer, gain, c, beta, friendly, hyStart, tso, gro, groSegments, groWindow)
            : null;
    }

    public static ResolvedHocon Resolved(TcpSettings s) => new()
    {
        ["congestion-control"] = CongestionControls.WordOf((int)s.CongestionControl),
        ["mss"] = ScenarioHoconWriter.Size(s.Mss),
        ["initial-window"] = ScenarioHoconWriter.Int(s.InitialWindowSegments),
        ["min-rto"] = ScenarioHoconWriter.Time(s.MinRtoPs),
        ["max-rto"] = ScenarioHoconWriter.Time(s.MaxRtoPs),
        ["initial-rto"] = ScenarioHoconWriter.Time(s.InitialRtoPs),
        ["delayed-ack-segments"] = ScenarioHoconWriter.Int(s.DelayedAckSegments),
        ["delayed-ack-timeout"] = ScenarioHoconWriter.Time(s.DelayedAckTimeoutPs),
        ["duplicate-ack-threshold"] = ScenarioHoconWriter.Int(s.DuplicateAckThreshold),
        ["sack"] = s.Sack ? "true" : "false",
        ["ecn"] = s.Ecn ? "true" : "false",
        ["send-buffer"] = ScenarioHoconWriter.Size(s.SendBufferBytes),
        ["receive-buffer"] = ScenarioHoconWriter.Size(s.ReceiveBufferBytes),
        ["dctcp-gain"] = ScenarioHoconWriter.Number(s.DctcpGain),
        ["cubic"] = new ResolvedHocon { ["c"] = ScenarioHoconWriter.Number(s.CubicC), ["beta"] = ScenarioHoconWriter.Number(s.CubicBeta), ["tcp-friendly"] = s.CubicTcpFriendly ? "true" : "false",
            ["hystart"] = s.CubicHyStart ? "true" : "false" },
        ["tso"] = s.Tso ? "true" : "false",
        ["gro"] = s.Gro ? "true" : "false",
        ["gro-segments"] = ScenarioHoconWriter.Int(s.GroSegments),
        ["gro-window"] = ScenarioHoconWriter.Time(s.GroWindowPs),
    };

    /// <summary>A number in (min, max].</summary>
    private static bool TryNumber(ScenarioSection s, string key, double min, double max, out double value)
    {
        value = 0;
        if (!s.TryText(key, out var text, out var fromFile)) return false;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && value > min && value <= max) return true;
        s.Report(key, fromFile, $"expected a number above {ScenarioHoconWriter.Number(min)} and at most {ScenarioHoconWriter.Number(max)}, got '{text}'");
        return false;
    }
}
