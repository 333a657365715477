using Hybrid.Testing;

namespace Hybrid.Cli.Tests.Commands;

/// <summary>The ASL in infra/aws/hybrid-bridge.template.json passes <c>hybrid validate</c>, as AWS would get it.</summary>
public sealed class AwsTemplateTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hybrid-template-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly Dictionary<string, string> Values = new(StringComparer.Ordinal)
    {
        ["BoundaryArn"] = "arn:aws:iam::123456789012:policy/hybrid-boundary",
        ["ExpirerArn"] = "arn:aws:states:eu-west-1:123456789012:stateMachine:hybrid-temporary-role-expirer",
        ["MaxSessionSeconds"] = "3600",
        ["MaxTtlSeconds"] = "28800",
    };

    [Fact]
    public async Task TemplateStateMachines_PassHybridValidate()
    {
        var machines = AwsTemplate.StateMachines(Values);

        Assert.Equal(["CreatorStateMachine", "ExpirerStateMachine"], machines.Keys.Order(StringComparer.Ordinal));
        foreach (var (id, definition) in machines)
        {
            var file = Path.Combine(_folder, id + ".asl.json");
            File.WriteAllText(file, definition);
            var (code, output, error) = await CliRunner.RunAsync("validate", file);
            Assert.True(code == 0, $"{id}: {output}{error}");
        }
    }

    [Fact]
    public void Template_HoldsTheOidcProviderTheBridgeRoleAndTheSweeperPolicy()
    {
        var resources = AwsTemplate.Load()["Resources"]!.AsObject();

        Assert.Equal("AWS::IAM::OIDCProvider", resources["PingOidcProvider"]!["Type"]!.GetValue<string>());
        Assert.Equal("AWS::IAM::Role", resources["BridgeRole"]!["Type"]!.GetValue<string>());
        Assert.Contains("sts:AssumeRoleWithWebIdentity", resources["BridgeRole"]!["Properties"]!["AssumeRolePolicyDocument"]!["Fn::Sub"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("AWS::IAM::ManagedPolicy", resources["SweeperPolicy"]!["Type"]!.GetValue<string>());
    }
}
