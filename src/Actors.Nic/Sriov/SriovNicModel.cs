using DcSim.SimCore.Units;

namespace DcSim.ActorsNic;

/// <summary>
/// What an SR-IOV NIC part is, as data: its port, how many virtual functions its driver allows, its descriptor rings, its
/// embedded switch, and the PCIe link its DMA engines share. Sources and assumptions: docs/sriov.md.
/// </summary>
/// <param name="LineRate">The physical port's rate.</param>
/// <param name="MaxVfs">The driver's limit of VFs per port (calibration.md §4.1).</param>
/// <param name="RxRingSize">Descriptors in each function's receive ring: frames DMA'd and not yet taken by its driver.</param>
/// <param name="TxRingSize">Descriptors in each function's transmit ring: frames posted and not yet sent on.</param>
/// <param name="InternalSwitchRate">The embedded switch's rate for frames between functions (VF to VF, VF to PF).</param>
/// <param name="PcieGeneration">1 to 4: fixes the rate and encoding of a lane.</param>
/// <param name="DmaLatencyPs">From the end of a frame's transfer over PCIe to its descriptor being done (one way).</param>
/// <param name="DmaOverheadBytes">PCIe bytes a frame costs beyond its own: descriptor fetch, write-back, TLP headers.</param>
public sealed record SriovNicModel(
    string Name,
    DataRate LineRate,
    int MaxVfs,
    int RxRingSize,
    int TxRingSize,
    DataRate InternalSwitchRate,
    int PcieGeneration,
    int PcieLanes,
    long DmaLatencyPs,
    int DmaOverheadBytes)
{
    /// <summary>
    /// The DMA budget of each direction of the PCIe link (PCIe is full duplex: receive DMA writes and transmit DMA reads
    /// do not share it): lanes × the lane's data rate after line encoding — 8b/10b for generations 1 and 2, 128b/130b
    /// from generation 3 (PCI-SIG base specifications).
    /// </summary>
    public DataRate DmaRate => new(PcieLaneBitsPerSecond(PcieGeneration) * PcieLanes);

    /// <summary>Data bits per second of one lane: 2.5 and 5 GT/s with 8b/10b, 8 and 16 GT/s with 128b/130b.</summary>
    public static long PcieLaneBitsPerSecond(int generation) => generation switch
    {
        1 => 2_000_000_000,
        2 => 4_000_000_000,
        3 => 8_000_000_000L * 128 / 130,
        4 => 16_000_000_000L * 128 / 130,
        _ => throw new ArgumentOutOfRangeException(nameof(generation), generation, "PCIe generation 1 to 4"),
    };

    /// <summary>
    /// An Intel 82599 (X520) class 10 GbE port: 63 VFs, ixgbe's IXGBE_MAX_VFS_DRV_LIMIT (calibration.md §4.1); 512-descriptor
    /// rings, the PF driver's default (ixgbe.h: IXGBE_DEFAULT_RXD, IXGBE_DEFAULT_TXD). Assumed: PCIe 2.0 x8 (32 Gb/s each
    /// way after 8b/10b), an internal switch at line rate, 1 us of DMA latency, 48 B of PCIe overhead per frame.
    /// </summary>
    public static readonly SriovNicModel Intel82599 = new("82599", new DataRate(10_000_000_000), 63, 512, 512,
        new DataRate(10_000_000_000), PcieGeneration: 2, PcieLanes: 8, DmaLatencyPs: 1_000_000, DmaOverheadBytes: 48);

    /// <summary>
    /// An Intel XL710 class 40 GbE port: 128 VFs, i40e's I40E_MAX_VF_COUNT (calibration.md §4.1); 512-descriptor rings, the
    /// PF driver's default (i40e.h: I40E_DEFAULT_NUM_DESCRIPTORS). Assumed: PCIe 3.0 x8 (63 Gb/s each way after
    /// 128b/130b), an internal switch at line rate, 0.5 us of DMA latency, 48 B of PCIe overhead per frame.
    /// </summary>
    public static readonly SriovNicModel IntelXl710 = new("xl710", new DataRate(40_000_000_000), 128, 512, 512,
        new DataRate(40_000_000_000), PcieGeneration: 3, PcieLanes: 8, DmaLatencyPs: 500_000, DmaOverheadBytes: 48);

    /// <summary>The parts by the name a scenario gives.</summary>
    public static readonly IReadOnlyDictionary<string, SriovNicModel> Known =
        new Dictionary<string, SriovNicModel>(StringComparer.Ordinal) { [Intel82599.Name] = Intel82599, [IntelXl710.Name] = IntelXl710 };
}
