using System.Runtime.InteropServices;

namespace DcSim.Runner.Commands;

/// <summary>
/// Lowers this process's scheduling priority (nice 10), thread by thread as Linux keeps it, so that a load generator on the same
/// machine as the service it measures takes the cores the simulation leaves idle, not the simulation's: a real client runs elsewhere.
/// Threads started later inherit it from the thread that starts them. Does nothing off Linux.
/// </summary>
internal static class GiveWay
{
    private const int PrioProcess = 0;
    private const int Nice = 10;

    public static void LowerThisProcess()
    {
        if (!OperatingSystem.IsLinux()) return;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
            if (int.TryParse(Path.GetFileName(task), out var thread)) _ = SetPriority(PrioProcess, thread, Nice);
    }

    [DllImport("libc", EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, int who, int priority);
}
