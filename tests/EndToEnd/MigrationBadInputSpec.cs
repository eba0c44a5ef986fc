using DcSim.Testing;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>
/// Live-migration scenarios through the real executable: the example validates; a migration to a server without room, to
/// the VM's own server or of a VM that does not exist exits 2 with only FILE:LINE: KEY: MESSAGE lines and writes nothing; so does a
/// container's move naming an unknown container or one inside a VM.
/// </summary>
public sealed class MigrationBadInputSpec
{
    // 4 cores per server: host 0 holds web-0, host 1 db-0 (4 vCPUs each, full).
    private const string Valid = """
        name = "migration"
        duration = 10s
        topology { spines = 1, leaves = 2, hosts-per-leaf = 2, host-cpu.cores = 4 }
        servers.hypervisor = kvm
        vms = [ { name = web, hosts = [0], vcpus = 4 }, { name = db, hosts = [1], vcpus = 4 } ]
        """;

    [Fact]
    public void The_example_scenario_must_validate()
    {
        // act
        var result = Dcsim.Run(TimeSpan.FromMinutes(1), "validate", Dcsim.RepositoryFile("config/scenarios/migration.conf"));

        // assert
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("migration.conf: ok", result.Stdout);
    }

    [Theory]
    [InlineData("validate", "{ at = 1s, vm = web-0, to = 1 }", "migrations[0].to", "host 1 has no room for web-0 (4 vCPUs, 2048 MiB) at 1s")]
    [InlineData("run", "{ at = 1s, vm = web-0, to = host0 }", "migrations[0].to", "migration to itself: web-0 is placed on host 0 already")]
    [InlineData("run", "{ at = 1s, vm = dns-0, to = 2 }", "migrations[0].vm", "no VM is named 'dns-0'")]
    public void A_bad_migration_must_exit_2_naming_file_line_and_key_and_write_nothing(string command, string migration, string key, string message) =>
        AssertRejected(command, Valid + $"\nmigrations = [ {migration} ]\n", 6, key, message);

    [Theory]
    [InlineData("validate", "{ at = 1s, container = cach-0, to = 2 }", "migrations[0].container", "no container is named 'cach-0'; did you mean 'cache-0'?")]
    [InlineData("run", "{ at = 1s, container = app-0, to = 2, method = criu }", "migrations[0].container", "app-0 runs inside VM web-0: it moves with its VM")]
    public void A_bad_container_move_must_exit_2_naming_file_line_and_key_and_write_nothing(string command, string migration, string key, string message) =>
        AssertRejected(command, Valid + "\ncontainers = [ { name = cache, hosts = [2], network = macvlan }, { name = app, vms = [web-0] } ]" + $"\nmigrations = [ {migration} ]\n",
            7, key, message);

    [Fact]
    public void The_example_container_scenario_must_validate()
    {
        // act
        var result = Dcsim.Run(TimeSpan.FromMinutes(1), "validate", Dcsim.RepositoryFile("config/scenarios/migration-container.conf"));

        // assert
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("migration-container.conf: ok", result.Stdout);
    }

    private static void AssertRejected(string command, string scenario, int line, string key, string message)
    {
        // arrange
        var dir = Scratch.Directory("migration");
        var file = Path.Combine(dir, "scenario.conf");
        File.WriteAllText(file, scenario);
        var output = Path.Combine(dir, "out");

        // act
        var result = command == "run" ? Dcsim.Run(TimeSpan.FromMinutes(1), "run", file, "--out", output) : Dcsim.Run(TimeSpan.FromMinutes(1), command, file);

        // assert
        Assert.Equal(2, result.ExitCode);
        var error = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"{file}:{line}: {key}: ", error);
        Assert.Contains(message, error);
        Assert.False(Directory.Exists(output), "no output directory may be created for a bad scenario");
    }
}
