using DcSim.ActorsNetwork.OpenFlow;
using Xunit;

namespace DcSim.ActorsNetwork.Tests.OpenFlow;

/// <summary>Typed datapath actions: outputs in order, whether headers change, equality by what OVS prints.</summary>
public sealed class DatapathActionsSpec
{
    [Fact]
    public void Outputs_and_rewrites_must_come_from_the_typed_actions()
    {
        var actions = new DatapathActions([new DpPushVlan(0x8100, 0x100a), new DpOutput(3), new DpPopVlan(), new DpOutput(1)]);
        Assert.Equal([3, 1], actions.OutputPorts);
        Assert.True(actions.RewritesHeaders);
        Assert.Equal("push_vlan(vid=10,pcp=0),3,pop_vlan,1", actions.Text);
        Assert.False(new DatapathActions([new DpOutput(2)]).RewritesHeaders);
        Assert.Empty(new DatapathActions([]).OutputPorts);
        Assert.Equal("drop", new DatapathActions([]).Text);
    }

    [Fact]
    public void Equal_action_lists_must_compare_equal_by_value()
    {
        Assert.Equal(new DatapathActions([new DpOutput(2)]), new DatapathActions([new DpOutput(2)]));
        Assert.NotEqual(new DatapathActions([new DpOutput(2)]), new DatapathActions([new DpOutput(1)]));
        Assert.True(DatapathActions.Same(new DatapathActions([]), new DatapathActions([])));
    }
}
