using DcSim.SimCore.IO;
using DcSim.SimCore.Scenario;
using Xunit;

namespace DcSim.SimCore.Tests.IO;

public sealed class InputFileSpec
{
    [Fact]
    public void Reading_must_stop_at_the_byte_limit_with_a_clear_reason()
    {
        // arrange
        var file = Path.GetTempFileName();
        File.WriteAllText(file, new string('x', 100));

        // act
        var ex = Assert.Throws<InputFileException>(() => InputFile.ReadText(file, 50, "rules file", "big.txt"));

        // assert
        Assert.Equal("big.txt: more than 50 bytes: too large for a rules file (is it the right file?)", ex.Message);
        Assert.Equal(new string('x', 100), InputFile.ReadText(file, 100, "rules file"));
        File.Delete(file);
    }

    [Fact]
    public void Lines_must_split_as_File_ReadAllLines_does()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "a\r\nb\rc\n\nd");

        Assert.Equal(File.ReadAllLines(file), InputFile.ReadLines(file, 1024, "packets file"));
        File.Delete(file);
    }

    // Issue 8, defect 6: flow-size-cdf = "/dev/zero" read the device until memory ran out.
    [Fact]
    public void A_CDF_that_is_dev_zero_or_a_directory_must_be_a_format_error_naming_it()
    {
        Assert.Equal("/dev/zero:1: contains a NUL byte: not a text CDF file", Assert.Throws<FormatException>(() => FlowSizeCdf.Load("/dev/zero", "/dev/zero")).Message);
        Assert.Equal("cdf: is a directory, not a CDF file", Assert.Throws<FormatException>(() => FlowSizeCdf.Load("cdf", Path.GetTempPath())).Message);
    }
}
