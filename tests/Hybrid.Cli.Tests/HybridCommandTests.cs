namespace Hybrid.Cli.Tests;

public sealed class HybridCommandTests
{
    [Fact]
    public async Task Help_PrintsUsageAndExitsZero()
    {
        var (code, output, _) = await CliRunner.RunAsync("--help");

        Assert.Equal(0, code);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.Contains("Amazon States Language", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_PrintsTheAssemblyVersion()
    {
        var (code, output, _) = await CliRunner.RunProcessAsync("--version");

        Assert.Equal(0, code);
        Assert.StartsWith("0.1.0", output.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownVerb_FailsWithAnErrorNamingIt()
    {
        var (code, _, error) = await CliRunner.RunAsync("frobnicate");

        Assert.NotEqual(0, code);
        Assert.Contains("frobnicate", error, StringComparison.Ordinal);
    }
}
