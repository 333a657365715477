using System.Text.Json.Nodes;
using Hybrid.Durable.Executions;
using Hybrid.Durable.Orchestration;

namespace Hybrid.Durable.Tests.Orchestration;

/// <summary>
/// A branch or Map iteration is given the execution's input (for <c>$$.Execution.Input</c>) only when something in it
/// may read it, so that a Map's iterations do not each carry a copy of an input that holds all their items.
/// </summary>
public sealed class BranchExecutionInputTests
{
    [Theory]
    [InlineData("""{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"v.$":"$.n"},"End":true}}}""", false)]
    [InlineData("""{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"Next":"C"},"C":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericEquals":1,"Next":"S"}],"Default":"S"},"S":{"Type":"Succeed"}}}""", false)]
    [InlineData("""{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"v.$":"$$.Execution.Input"},"End":true}}}""", true)]
    [InlineData("""{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"v.$":"States.Format('{}', $$.Execution.Input.tag)"},"End":true}}}""", true)]
    [InlineData("""{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"i.$":"$$.Map.Item.Index"},"End":true}}}""", true)]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $states.context.Execution.Input %}","End":true}}}""", true)]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $lookup($states, 'context') %}","End":true}}}""", true)]
    [InlineData("""{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:hybrid:echo","End":true}}}""", true)]
    [InlineData("""{"StartAt":"M","States":{"M":{"Type":"Map","ItemReader":{"Resource":"arn:aws:states:::s3:getObject","Parameters":{"Bucket":"b","Key":"k"}},"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}""", true)]
    [InlineData("""{"StartAt":"Par","States":{"Par":{"Type":"Parallel","Branches":[{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"v.$":"$$.Execution.Name"},"End":true}}}],"End":true}}}""", true)]
    public void MayReadExecutionInput_IsTrueWheneverSomethingInTheMachineCanSeeTheContextObject(string definition, bool expected)
    {
        Assert.Equal(expected, DurablePort.MayReadExecutionInput(JsonNode.Parse(definition)));
    }

    [Fact]
    public async Task Branches_GetTheExecutionInputOnlyWhenTheyCanReadIt_AndThoseThatReadItSeeIt()
    {
        const string definition = """
            {"StartAt":"Both","States":{
              "Both":{"Type":"Parallel","ResultPath":"$.both","Branches":[
                {"StartAt":"Blind","States":{"Blind":{"Type":"Pass","Result":"blind","End":true}}},
                {"StartAt":"Reads","States":{"Reads":{"Type":"Pass","Parameters":{"tag.$":"$$.Execution.Input.tag"},"End":true}}}],
                "Next":"Each"},
              "Each":{"Type":"Map","ItemsPath":"$.items","ResultPath":"$.each","End":true,
                "ItemProcessor":{"StartAt":"Tag","States":{
                  "Tag":{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% $states.input & '-' & $states.context.Execution.Input.tag %}","End":true}}}}}}
            """;
        var registry = FolderWorkflowRegistry.FromSources([("branches", "test", definition)]);
        await using var host = await DurableHost.StartAsync(registry);
        const string input = """{"tag":"t1","items":["a","b"]}""";

        var started = await host.Executions.StartAsync("branches", JsonNode.Parse(input), "b1");
        var description = await host.WaitAsync(started.ExecutionId);

        Assert.Equal(ExecutionStatus.Succeeded, description.Status);
        Assert.Equal("""{"tag":"t1","items":["a","b"],"both":["blind",{"tag":"t1"}],"each":["a-t1","b-t1"]}""", description.Output!.ToJsonString());
        Assert.Null(await ExecutionInputOf(host, $"{started.ExecutionId}~0.0"));
        Assert.Equal(input, await ExecutionInputOf(host, $"{started.ExecutionId}~0.1"));
        Assert.Equal(input, await ExecutionInputOf(host, $"{started.ExecutionId}~0.2"));
        Assert.Equal(input, await ExecutionInputOf(host, $"{started.ExecutionId}~0.3"));
    }

    /// <summary>The <c>Execution.Input</c> in the orchestration input of one of the execution's instances.</summary>
    private static async Task<string?> ExecutionInputOf(DurableHost host, string instanceId)
    {
        var instance = await host.Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true);
        Assert.NotNull(instance);
        return JsonNode.Parse(instance.SerializedInput!)!["Execution"]!["Input"]?.GetValue<string>();
    }
}
