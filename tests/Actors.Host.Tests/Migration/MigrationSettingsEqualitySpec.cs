using System.Reflection;
using DcSim.ActorsHost.Migration;
using DcSim.SimCore.Units;
using Xunit;

namespace DcSim.ActorsHost.Tests.Migration;

/// <summary>MigrationSettings' equality is written out (for ReadyToRun): it must see every setting, including ones added later.</summary>
public sealed class MigrationSettingsEqualitySpec
{
    public static TheoryData<string> Settings()
    {
        var data = new TheoryData<string>();
        foreach (var p in typeof(MigrationSettings).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite)) data.Add(p.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Settings_that_differ_in_one_member_must_be_unequal_and_copies_equal(string member)
    {
        // arrange
        var property = typeof(MigrationSettings).GetProperty(member)!;
        var settings = MigrationSettings.Qemu;
        var copy = settings with { };
        var changed = settings with { };
        property.SetValue(changed, Other(property.PropertyType, property.GetValue(settings)));

        // act + assert
        Assert.Equal(settings, copy);
        Assert.Equal(settings.GetHashCode(), copy.GetHashCode());
        Assert.NotEqual(settings, changed);
    }

    /// <summary>A value of <paramref name="type"/> other than <paramref name="value"/>.</summary>
    private static object Other(Type type, object? value)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(bool)) return !(bool)value!;
        if (underlying == typeof(DataRate)) return new DataRate(((DataRate)value!).BitsPerSecond + 1_000_000);
        if (underlying.IsEnum)
            return Enum.GetValues(underlying).Cast<object>().First(v => !v.Equals(value));
        return Convert.ChangeType(value is null ? 7 : Convert.ToInt64(value) + 1, underlying);
    }
}
