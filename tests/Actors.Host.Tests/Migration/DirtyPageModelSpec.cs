using DcSim.ActorsHost.Migration;
using DcSim.SimCore.Units;
using Xunit;

namespace DcSim.ActorsHost.Tests.Migration;

public sealed class DirtyPageModelSpec
{
    private const long MiB = 1L << 20;

    [Fact]
    public void Dirty_pages_must_grow_with_the_dirty_rate_in_whole_pages()
    {
        var vm = new DirtyPageModel(1024 * MiB, 64 * MiB, 10_000_000);

        // 10 MB/s for 1 ms = 10,000 B = 2 whole pages; for 1 s = 2,441 pages
        Assert.Equal(2, vm.PagesDirtiedDuring(SimTime.Millisecond, 4096));
        Assert.Equal(2_441, vm.PagesDirtiedDuring(SimTime.Second, 4096));
    }

    [Fact]
    public void Dirty_pages_must_saturate_at_the_writable_working_set()
    {
        var vm = new DirtyPageModel(1024 * MiB, 64 * MiB, 10_000_000);

        Assert.Equal(16_384, vm.PagesDirtiedDuring(60 * SimTime.Second, 4096));
        Assert.Equal(16_384, vm.PagesDirtiedDuring(600 * SimTime.Second, 4096));
    }

    [Fact]
    public void Dirty_pages_must_be_none_when_the_VM_writes_nothing()
    {
        Assert.Equal(0, DirtyPageModel.Uniform(1024 * MiB, 0).PagesDirtiedDuring(600 * SimTime.Second, 4096));
    }
}
