using DcSim.Testing;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>
/// SR-IOV scenarios through the real executable: bad input exits 2 with only FILE:LINE: KEY: MESSAGE lines and writes
/// nothing; the VF exhaustion policy's outcome is printed.
/// </summary>
public sealed class SriovBadInputSpec
{
    private const string Valid = """
        name = "sriov"
        duration = 1ms
        topology { spines = 1, leaves = 1, hosts-per-leaf = 2 }
        """;

    private const string Kvm82599 = "servers { hypervisor = kvm, nic = 82599, vcpu-overcommit = 64 }";

    private static (Dcsim.Result Result, string Output, string File) Run(string command, string scenarioText)
    {
        var dir = Scratch.Directory("sriov");
        var file = Path.Combine(dir, "scenario.conf");
        File.WriteAllText(file, scenarioText);
        var output = Path.Combine(dir, "out");
        var args = command == "run" ? new[] { "run", file, "--out", output } : new[] { command, file };
        return (Dcsim.Run(TimeSpan.FromMinutes(1), args), output, file);
    }

    [Theory]
    [InlineData("validate", "servers.nic = x520", 1, "servers.nic", "'x520' is not one of plain, 82599, xl710")]
    [InlineData("run", Kvm82599 + "\nvms = [ { name = v, vnic = vf, hosts = [0], count = 64, memory = 1GiB } ]", 2, "vms[0].vnic",
        "VF exhaustion: policy error: host 0 would hold 64 VMs with vnic = vf, its 82599 NIC has 63 VFs")]
    [InlineData("validate", Kvm82599 + "\nvms = [ { name = v, vnic = qemu, vf.vlan = 10 } ]", 2, "vms[0].vf.vlan", "per-VF settings apply to VMs with vnic = vf")]
    [InlineData("run", Kvm82599 + "\nvms = [ { name = v, vnic = vf, vf.vlan = 4095 } ]", 2, "vms[0].vf.vlan", "must be at most 4094")]
    [InlineData("validate", Kvm82599 + "\nvms = [ { name = v, vnic = vf, vf.rate-limit = 2Gbit } ]", 2, "vms[0].vf.rate-limit", "a rate such as 100Mbps")]
    /// <param name="line">The line of the error among <paramref name="lines"/>, which follow the 3 lines of a valid scenario.</param>
    public void Bad_SR_IOV_input_must_exit_2_naming_file_line_and_key_and_write_nothing(string command, string lines, int line, string key, string message)
    {
        // act
        var (result, output, file) = Run(command, Valid + "\n" + lines);

        // assert
        Assert.Equal(2, result.ExitCode);
        var error = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"{file}:{line + 3}: {key}: ", error);
        Assert.Contains(message, error);
        Assert.False(Directory.Exists(output), "no output directory may be created for a bad scenario");
    }

    [Fact]
    public void A_run_must_print_how_many_VMs_got_a_VF_and_how_many_fell_back()
    {
        // act: 64 VMs asking for a VF on host 0's 82599 (63 VFs) under the vswitch policy
        var (result, output, _) = Run("run", Valid + "\n" + Kvm82599.Replace("}", ", vf-exhaustion = vswitch }", StringComparison.Ordinal)
            + "\nvms = [ { name = v, vnic = vf, hosts = [0], count = 64, memory = 1GiB } ]");

        // assert
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("sr-iov   63 VMs with a VF, 1 fell back to the vm-switch (on host0; see SERVER/vf-assignment)", result.Stdout);
        Assert.True(File.Exists(Path.Combine(output, "summary.json")));
    }
}
