using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using DcSim.SimCore.Units;
using Xunit;

namespace DcSim.SimCore.Tests;

/// <summary>
/// Sim.Core is the kernel (virtual time, events, LPs, partitions, windows, the scenario reader): it must not know
/// the models built on it (DESIGN §4, issue 7). Read by reflection from the compiled assembly, so a concept cannot
/// slip in under a file name or a comment that a text search would miss, and nothing needs to be kept in sync.
/// </summary>
public sealed partial class ArchitectureSpec
{
    private static readonly Assembly SimCore = typeof(SimTime).Assembly;

    /// <summary>
    /// Model concepts as whole words of an identifier (PascalCase parts: a word starts with its capital and ends
    /// before the next capital), so that "Nat" finds NatTable and SNat but not Coordinator or Native. A plural "s"
    /// counts as the word; "Leaves" is listed because it is not Leaf + s.
    /// </summary>
    [GeneratedRegex("(VSwitch|OpenFlow|Ovs|OVS|Vm|VM|Container|Sriov|SrIov|SRIOV|Datapath|DataPath|Megaflow|MegaFlow|Bridge|Nat|NAT|Leaf|Leaves|Spine|Request|Response|Upcall|Emc|EMC)(s|es)?(?![a-z])")]
    private static partial Regex ModelConcept();

    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    [Fact]
    public void Sim_core_must_name_no_model_concept_in_its_types_namespaces_or_public_members()
    {
        var flagged = ModelConceptNames().ToList();
        Assert.True(flagged.Count == 0, $"Sim.Core names {flagged.Count} model concepts:\n{string.Join("\n", flagged)}");
    }

    [Fact]
    public void Sim_core_must_reference_no_other_dcsim_assembly()
    {
        var own = SimCore.GetName().Name;
        var references = SimCore.GetReferencedAssemblies().Select(a => a.Name ?? "")
            .Where(n => n.StartsWith("DcSim.", StringComparison.Ordinal) && n != own).ToList();
        Assert.True(references.Count == 0, $"Sim.Core references {string.Join(", ", references)}");
    }

    [Fact]
    public void Model_concept_must_match_whole_words_of_identifiers_only()
    {
        Assert.Matches(ModelConcept(), "VSwitchStats");
        Assert.Matches(ModelConcept(), "FirstVmKind");
        Assert.Matches(ModelConcept(), "SNat");
        Assert.Matches(ModelConcept(), "Leaves");
        Assert.Matches(ModelConcept(), "RequestsSent");
        Assert.DoesNotMatch(ModelConcept(), "WindowCoordinator");
        Assert.DoesNotMatch(ModelConcept(), "NativeMemory");
        Assert.DoesNotMatch(ModelConcept(), "Vmax");
    }

    /// <summary>"what: name" for every namespace, type (public or not) and public member of Sim.Core that names a model concept.</summary>
    private static IEnumerable<string> ModelConceptNames()
    {
        var types = SimCore.GetTypes().Where(t => !t.IsDefined(typeof(CompilerGeneratedAttribute), false) && !t.Name.Contains('<')).ToList();
        foreach (var ns in types.Select(t => t.Namespace ?? "").Distinct().Order(StringComparer.Ordinal).Where(n => ModelConcept().IsMatch(n)))
            yield return $"namespace {ns}";
        foreach (var type in types.OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            if (ModelConcept().IsMatch(type.Name)) yield return $"type {type.FullName}";
            if (!type.IsVisible) continue;
            foreach (var member in type.GetMembers(Declared).Where(IsWrittenByHand).OrderBy(m => m.Name, StringComparer.Ordinal))
                if (ModelConcept().IsMatch(member.Name)) yield return $"{member.MemberType.ToString().ToLowerInvariant()} {type.FullName}.{member.Name}";
        }
    }

    /// <summary>Leaves out accessors (their property is checked), nested types (checked as types) and compiler-made members.</summary>
    private static bool IsWrittenByHand(MemberInfo m) =>
        m is not Type && !(m is MethodBase { IsSpecialName: true }) && !m.Name.Contains('<') && !m.IsDefined(typeof(CompilerGeneratedAttribute), false);
}
