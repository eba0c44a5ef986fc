namespace DcSim.Testing;

/// <summary>
/// Scratch folders for tests, all under one folder per test process in the system temp folder (dcsim-tests-PID), deleted when the
/// process exits and, should it not get to (a test host killed at the end), by the next test process: test runs leave at most that
/// behind in /tmp. <c>DCSIM_KEEP_TEST_FILES=1</c> keeps them (their root is then printed) to look at what a failed test wrote.
/// </summary>
internal static class Scratch
{
    private static readonly Lazy<string> Root = new(CreateRoot);

    /// <summary>A fresh empty directory named after <paramref name="prefix"/>.</summary>
    public static string Directory(string prefix) => System.IO.Directory.CreateDirectory(Path(prefix)).FullName;

    /// <summary>A path to a directory or file not there yet (for what a test expects the code to create).</summary>
    public static string Path(string prefix) => System.IO.Path.Combine(Root.Value, $"{prefix}-{Guid.NewGuid():N}");

    /// <summary>A file holding <paramref name="text"/>.</summary>
    public static string File(string prefix, string text)
    {
        var file = Path(prefix);
        System.IO.File.WriteAllText(file, text);
        return file;
    }

    private static string CreateRoot()
    {
        var keep = Environment.GetEnvironmentVariable("DCSIM_KEEP_TEST_FILES") == "1";
        if (!keep) DeleteThoseOfEndedProcesses();
        var root = System.IO.Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{Prefix}{Environment.ProcessId}")).FullName;
        if (keep) Console.Error.WriteLine($"test files kept in {root}");
        else AppDomain.CurrentDomain.ProcessExit += (_, _) => Delete(root);
        return root;
    }

    private const string Prefix = "dcsim-tests-";

    private static void DeleteThoseOfEndedProcesses()
    {
        foreach (var folder in System.IO.Directory.EnumerateDirectories(System.IO.Path.GetTempPath(), Prefix + "*"))
        {
            if (!int.TryParse(System.IO.Path.GetFileName(folder)[Prefix.Length..], out var pid) || pid == Environment.ProcessId) continue;
            if (!IsRunning(pid)) Delete(folder);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void Delete(string root)
    {
        try
        {
            System.IO.Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // A child process a test left running may still hold a file: the folder stays, as it would have before.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
