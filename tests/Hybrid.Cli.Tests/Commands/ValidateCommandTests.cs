using System.Text.Json.Nodes;

namespace Hybrid.Cli.Tests.Commands;

public sealed class ValidateCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hybrid-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Validate_ValidDefinition_ExitsZeroAndPrintsNothing()
    {
        var file = Write("ok.asl.json", """{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}""");

        var (code, output, _) = await CliRunner.RunAsync("validate", file);

        Assert.Equal(0, code);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task Validate_InvalidDefinition_ExitsOneWithPointerCodeMessageLines()
    {
        var file = Write("bad.asl.json", """{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"C":{"Type":"Succeed"}}}""");

        var (code, output, _) = await CliRunner.RunAsync("validate", file);

        Assert.Equal(1, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("/States/A: MISSING_TRANSITION_TARGET: State 'A' moves to 'B', which does not exist.", lines);
        Assert.All(lines, line => Assert.Matches("^/[^:]*: [A-Z_]+: .+$", line));
    }

    [Fact]
    public async Task Validate_JsonataDefinition_LocatesSyntaxErrorsAndFieldsOfTheOtherLanguage()
    {
        var file = Write("bad-jsonata.asl.json", """
            {"QueryLanguage":"JSONata","StartAt":"A","States":{
              "A":{"Type":"Pass","Output":{"total":"{% $sum($states.input.n) + %}"},"InputPath":"$.a","End":true}}}
            """);

        var (code, output, _) = await CliRunner.RunAsync("validate", file);

        Assert.Equal(1, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("/States/A/Output/total: INVALID_JSONATA: The JSONata expression '$sum($states.input.n) +' is not valid: S0207", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("/States/A/InputPath: SCHEMA_VALIDATION_FAILED: The field 'InputPath' is only valid in JSONPath states", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_JsonFormat_PrintsAnArrayOfDiagnostics()
    {
        var file = Write("bad.asl.json", """{"StartAt":"A","States":{"A":{"Type":"Wait","End":true}}}""");

        var (code, output, _) = await CliRunner.RunAsync("validate", file, "--format", "json");

        Assert.Equal(1, code);
        var diagnostic = Assert.Single(JsonNode.Parse(output)!.AsArray())!;
        Assert.Equal("/States/A", diagnostic["pointer"]!.GetValue<string>());
        Assert.Equal("SCHEMA_VALIDATION_FAILED", diagnostic["code"]!.GetValue<string>());
        Assert.Equal("ERROR", diagnostic["severity"]!.GetValue<string>());
    }

    [Fact]
    public async Task Validate_MissingFile_ExitsTwoNamingTheFile()
    {
        var (code, _, error) = await CliRunner.RunAsync("validate", Path.Combine(_folder, "absent.json"));

        Assert.Equal(2, code);
        Assert.Contains("absent.json", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_UnknownFormat_IsRejectedByTheParser()
    {
        var file = Write("ok.asl.json", """{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}""");

        var (code, _, error) = await CliRunner.RunAsync("validate", file, "--format", "yaml");

        Assert.NotEqual(0, code);
        Assert.Contains("yaml", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_AsARealProcess_UsesTheDocumentedExitCodes()
    {
        var good = Write("ok.asl.json", """{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}""");
        var bad = Write("bad.asl.json", "{ nope");

        Assert.Equal(0, (await CliRunner.RunProcessAsync("validate", good)).Code);
        var (code, output, _) = await CliRunner.RunProcessAsync("validate", bad);
        Assert.Equal(1, code);
        Assert.Contains("INVALID_JSON_DESCRIPTION", output, StringComparison.Ordinal);
    }
}
