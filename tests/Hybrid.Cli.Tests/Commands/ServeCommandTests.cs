using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hybrid.Aws;
using Hybrid.Cli.Commands;
using Hybrid.Host.Backends;
using Hybrid.Host.Local;
using Hybrid.Host.Timers;
using Hybrid.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Hybrid.Cli.Tests.Commands;

public sealed class ServeCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hybrid-serve-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Serve_Samples_StartsExecutionsOverHttpAndAnswersTasksFromMocks()
    {
        var port = FreePorts.Next();
        var options = new LocalHostOptions
        {
            Workflows = RepoPaths.Combine("samples"),
            Mocks = RepoPaths.Combine("samples"),
            TestCase = "Approved",
            SkipWaits = true,
            Urls = $"http://127.0.0.1:{port}",
            Identity = LocalHost.DevelopmentIdentity(_folder),
        };
        await using var app = LocalHost.Build(options);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var (tokenCode, token, _) = await CliRunner.RunAsync("token", "--sub", "alice", "--groups", "admins", "--key-folder", _folder);

        var anonymous = await http.GetAsync("/api/workflows");
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token.Trim());
        var workflows = await http.GetFromJsonAsync<JsonObject>("/api/workflows");
        var input = File.ReadAllText(RepoPaths.Combine("samples", "approval", "input.json"));
        var start = await http.PostAsync("/api/workflows/approval/executions?name=tour", new StringContent(input, System.Text.Encoding.UTF8, "application/json"));
        var description = await PollAsync(http, "/api/executions/approval:tour");
        var startJsonata = await http.PostAsync("/api/workflows/approval-jsonata/executions?name=tour", new StringContent(input, System.Text.Encoding.UTF8, "application/json"));
        var jsonata = await PollAsync(http, "/api/executions/approval-jsonata:tour");
        var page = await http.GetAsync("/");

        Assert.Equal(0, tokenCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.ToString());
        Assert.Equal(
            ["approval", "approval-jsonata", "fan-out", "fan-out-jsonata", "retry-catch", "retry-catch-jsonata", "temporary-access", "temporary-access-jsonata"],
            workflows!["workflows"]!.AsArray().Select(w => w!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        Assert.Equal("SUCCEEDED", description["status"]!.GetValue<string>());
        Assert.Equal("bob", description["output"]!["approver"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Accepted, startJsonata.StatusCode);
        Assert.Equal("SUCCEEDED", jsonata["status"]!.GetValue<string>());
        Assert.Equal("bob", jsonata["output"]!["approver"]!.GetValue<string>());
        Assert.Equal("GRANTED", jsonata["output"]!["status"]!.GetValue<string>());
        Assert.Equal("alice", description["subject"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        await app.StopAsync();
    }

    [Fact]
    public async Task Schedule_CronOccurrence_StartsTheWorkflowOnceUnderAStableName()
    {
        File.WriteAllText(Path.Combine(_folder, "rotate.asl.json"), """{"StartAt":"Done","States":{"Done":{"Type":"Pass","End":true}}}""");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 30, TimeSpan.Zero));
        var port = FreePorts.Next();
        var options = new LocalHostOptions
        {
            Workflows = _folder,
            Urls = $"http://127.0.0.1:{port}",
            Schedules = new Dictionary<string, ScheduleOptions> { ["rotation"] = new("*/5 * * * *", "rotate", """{"reason":"timer"}""") },
            Identity = LocalHost.DevelopmentIdentity(_folder),
        };
        await using var app = LocalHost.Build(options, builder => builder.Services.AddSingleton<TimeProvider>(time));
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var token = Hybrid.Identity.Development.DevelopmentIssuer.LoadOrCreate(_folder, time).Mint(new() { Subject = "alice", Groups = ["admins"], Lifetime = TimeSpan.FromDays(1) });
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

        // The schedule's timer is created when its service gets to it: move the clock on until an occurrence fires.
        JsonObject? first = null;
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (first is null)
            {
                time.Advance(TimeSpan.FromMinutes(1));
                await Task.Delay(20, cts.Token);
                var list = await http.GetFromJsonAsync<JsonObject>("/api/executions?workflow=rotate", cts.Token);
                first = list!["executions"]!.AsArray().FirstOrDefault()?.AsObject();
            }
        }

        var name = first["name"]!.GetValue<string>();
        var occurrence = DateTimeOffset.ParseExact(name["rotation-".Length..], "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);
        var description = await PollAsync(http, "/api/executions/rotate:" + name);

        Assert.Equal(ScheduleService.ExecutionName("rotation", occurrence), name);
        Assert.Equal(0, occurrence.Minute % 5);
        Assert.Equal(0, occurrence.Second);
        Assert.Equal("SUCCEEDED", description["status"]!.GetValue<string>());
        Assert.Equal("timer", description["output"]!["reason"]!.GetValue<string>());
        Assert.Null(description["subject"]);
        await app.StopAsync();
    }

    [Fact]
    public async Task Serve_InvalidWorkflow_ExitsTwoWithEveryDiagnostic()
    {
        File.WriteAllText(Path.Combine(_folder, "broken.asl.json"), """{"StartAt":"A","States":{"A":{"Type":"Pass"}}}""");
        File.WriteAllText(Path.Combine(_folder, "good.asl.json"), """{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}""");

        var (code, _, error) = await CliRunner.RunAsync("serve", "--workflows", _folder);

        Assert.Equal(2, code);
        Assert.Contains("broken", error, StringComparison.Ordinal);
        Assert.Contains("/States/A: SCHEMA_VALIDATION_FAILED", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_NoIdentityOutsideDevelopment_ExitsTwoSayingWhatToConfigure()
    {
        File.WriteAllText(Path.Combine(_folder, "w.asl.json"), """{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}""");

        var (code, _, error) = await CliRunner.RunAsync("serve", "--workflows", _folder, "--environment", "Production");

        Assert.Equal(2, code);
        Assert.Contains("No Identity is configured and the environment is 'Production'", error, StringComparison.Ordinal);
        Assert.Contains("Hybrid:Identity", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_BrokenIdentityPolicy_ExitsTwoNamingTheRule()
    {
        File.WriteAllText(Path.Combine(_folder, "w.asl.json"), """{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}""");
        var identity = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TrustDevelopmentIssuer"] = "true",
            ["DevelopmentKeyFolder"] = _folder,
            ["Policy:Rules:0:Name"] = "half-a-rule",
            ["Policy:Rules:0:Workflows:0"] = "*",
            ["Policy:Rules:0:Actions:0"] = "Start",
        }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => LocalHost.Build(new LocalHostOptions { Workflows = _folder, Identity = identity }));

        Assert.Contains("'half-a-rule'", error.Message, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [Fact]
    public void Options_AwsSection_BindsTheBridgeFederationAndSweeper()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hybrid:Aws:Region"] = "eu-west-1",
            ["Hybrid:Aws:Endpoints:StepFunctions"] = "http://127.0.0.1:4566/",
            ["Hybrid:Aws:Bridge:MaxPollInterval"] = "00:00:30",
            ["Hybrid:Aws:Federation:Mode"] = "assumerole",
            ["Hybrid:Aws:Federation:RoleArn"] = "arn:aws:iam::123456789012:role/hybrid-bridge",
            ["Hybrid:Aws:Sweeper:Cron"] = "*/15 * * * *",
        }).Build();

        var aws = ServeCommand.Options(configuration).Aws!;

        Assert.Equal("eu-west-1", aws.Clients.Region);
        Assert.Equal(new Uri("http://127.0.0.1:4566/"), aws.Clients.StepFunctionsEndpoint);
        Assert.Null(aws.Clients.IamEndpoint);
        Assert.Equal(TimeSpan.FromSeconds(30), aws.Bridge.MaxPollInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), aws.Bridge.FirstPollInterval);
        Assert.Equal(Hybrid.Aws.Bridge.AwsFederationMode.AssumeRole, aws.Bridge.Federation.Mode);
        Assert.Equal("*/15 * * * *", aws.SweeperCron);
        Assert.Null(ServeCommand.Options(new ConfigurationBuilder().Build()).Aws);
    }

    [Theory]
    [InlineData("Hybrid:Aws:Federation:Mode", "saml", "Aws:Federation:Mode")]
    [InlineData("Hybrid:Aws:Endpoints:Sts", "not a url", "Aws:Endpoints:Sts")]
    [InlineData("Hybrid:Aws:Bridge:FirstPollInterval", "soon", "Aws:Bridge:FirstPollInterval")]
    public void Options_BadAwsValue_IsAFormatErrorNamingTheKey(string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

        // ServeCommand answers a FormatException from Options with exit code 2 and its message.
        var error = Assert.Throws<FormatException>(() => ServeCommand.Options(configuration));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HYBRID__Aws__AttemptTimeout=30", "'Aws:AttemptTimeout' ('30') is 30.00:00:00, longer than the 01:00:00 allowed")]
    [InlineData("HYBRID__Aws__Retry__MaxAttempts=0", "'Aws:Retry:MaxAttempts' ('0') is not between 1 and 100.")]
    [InlineData("HYBRID__InMemoryRetention=soon", "'InMemoryRetention' ('soon') is not a time span from 00:00:00 (keep everything) to 90.00:00:00")]
    [InlineData("HYBRID__Backend=azurite;HYBRID__InMemoryRetention=12:00:00", "'InMemoryRetention' ('12:00:00') applies to the in-memory backend only")]
    public async Task Serve_BadSetting_ExitsTwoNamingTheKeyAndValue(string variables, string message)
    {
        File.WriteAllText(Path.Combine(_folder, "w.asl.json"), """{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}""");

        var (code, output, error) = await CliRunner.RunProcessAsync(
            variables.Split(';').Select(v => v.Split('=', 2)).ToDictionary(v => v[0], v => v[1]),
            "serve", "--workflows", _folder, "--urls", $"http://127.0.0.1:{FreePorts.Next()}");

        Assert.Equal(2, code);
        Assert.Contains($"hybrid: configuration: {message}", error, StringComparison.Ordinal);
        Assert.DoesNotContain("serving", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_RetryMaxDelayBelowBaseDelay_ExitsTwoNamingBoth()
    {
        File.WriteAllText(Path.Combine(_folder, "w.asl.json"), """{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}""");

        var (code, _, error) = await CliRunner.RunProcessAsync(
            new Dictionary<string, string> { ["HYBRID__Aws__Retry__BaseDelay"] = "00:00:30" }, "serve", "--workflows", _folder, "--urls", $"http://127.0.0.1:{FreePorts.Next()}");

        Assert.Equal(2, code);
        Assert.Contains("hybrid: Retry:MaxDelay (00:00:20) is shorter than Retry:BaseDelay (00:00:30).", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_FederationWithoutRoleArn_IsRefusedBeforeAnythingStarts()
    {
        File.WriteAllText(Path.Combine(_folder, "w.asl.json"), """{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}""");
        var options = new LocalHostOptions
        {
            Workflows = _folder,
            Aws = new AwsHostOptions { Bridge = new Hybrid.Aws.Bridge.AwsBridgeOptions { Federation = new Hybrid.Aws.Bridge.AwsFederationOptions { Mode = Hybrid.Aws.Bridge.AwsFederationMode.WebIdentity } } },
        };

        var error = Assert.Throws<ArgumentException>(() => LocalHost.Build(options));

        Assert.Contains("RoleArn", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_MissingFolder_ExitsTwo()
    {
        var (code, _, error) = await CliRunner.RunAsync("serve", "--workflows", Path.Combine(_folder, "nope"));

        Assert.Equal(2, code);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_BadSchedule_ExitsTwoNamingIt()
    {
        File.WriteAllText(Path.Combine(_folder, "w.asl.json"), """{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}""");
        var options = new LocalHostOptions { Workflows = _folder, Schedules = new Dictionary<string, ScheduleOptions> { ["nightly"] = new("not cron", "w") } };

        var error = Assert.Throws<FormatException>(() => LocalHost.Build(options));

        Assert.Contains("nightly", error.Message, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [Fact]
    public void Options_ConfigurationThenCommandLine_CommandLineWins()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hybrid:Workflows"] = "from-config",
            ["Hybrid:Backend"] = "azurite",
            ["Hybrid:Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            ["Hybrid:TaskHub"] = "ConfigHub",
            ["Hybrid:SkipWaits"] = "true",
            ["Hybrid:Schedules:rotation:Cron"] = "0 3 * * *",
            ["Hybrid:Schedules:rotation:Workflow"] = "rotate",
            ["Hybrid:Environment"] = "Staging",
            ["Hybrid:Identity:Authority"] = "https://sso.example.com",
        }).Build();

        var options = ServeCommand.Options(configuration, workflows: "from-cli", backend: "memory", environment: "Production");
        var defaults = ServeCommand.Options(new ConfigurationBuilder().Build());

        Assert.Equal("from-cli", options.Workflows);
        Assert.Equal(DurableBackendKind.InMemory, options.Backend.Backend);
        Assert.Equal("ConfigHub", options.Backend.TaskHub);
        Assert.True(options.SkipWaits);
        Assert.Equal("0 3 * * *", options.Schedules["rotation"].Cron);
        Assert.Equal("Production", options.Environment);
        Assert.Equal("https://sso.example.com", options.Identity!["Authority"]);
        Assert.Equal("Development", defaults.Environment);
        Assert.False(defaults.Identity!.GetChildren().Any());
    }

    [Theory]
    [InlineData("SessionIdleTimeout", null, 0)]
    [InlineData("SessionIdleTimeout", "00:02:00", 120)]
    [InlineData("SessionIdleTimeout", "00:00:30", 30)]
    [InlineData("InMemoryRetention", null, 86_400)]
    [InlineData("InMemoryRetention", "00:00:00", 0)]
    [InlineData("InMemoryRetention", "02:00:00", 7_200)]
    [InlineData("InMemoryRetention", "7", 604_800)]
    [InlineData("InMemoryRetention", "90.00:00:00", 7_776_000)]
    public void Options_TimeSpanSetting_BindsWithItsDefaultAndZero(string key, string? value, int seconds)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Hybrid:" + key] = value }).Build();

        var backend = ServeCommand.Options(configuration).Backend;

        Assert.Equal(TimeSpan.FromSeconds(seconds), key == "InMemoryRetention" ? backend.InMemoryRetention : backend.SessionIdleTimeout);
    }

    [Theory]
    [InlineData("SessionIdleTimeout", "30", "(sessions off) to 01:00:00")]
    [InlineData("SessionIdleTimeout", "-00:00:01", "(sessions off) to 01:00:00")]
    [InlineData("SessionIdleTimeout", "soon", "(sessions off) to 01:00:00")]
    [InlineData("InMemoryRetention", "91", "(keep everything) to 90.00:00:00")]
    [InlineData("InMemoryRetention", "-00:00:01", "(keep everything) to 90.00:00:00")]
    [InlineData("InMemoryRetention", "a day", "(keep everything) to 90.00:00:00")]
    public void Options_BadTimeSpanSetting_IsAFormatErrorNamingTheKeyValueAndRange(string key, string value, string range)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Hybrid:" + key] = value }).Build();

        var error = Assert.Throws<FormatException>(() => ServeCommand.Options(configuration));

        Assert.Contains($"'{key}' ('{value}') is not a time span from 00:00:00 {range}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_InMemoryRetentionWithAzurite_IsRefusedUnlessZero()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hybrid:Backend"] = "azurite",
            ["Hybrid:InMemoryRetention"] = "1.00:00:00",
        }).Build();
        var zero = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hybrid:Backend"] = "azurite",
            ["Hybrid:InMemoryRetention"] = "00:00:00",
        }).Build();

        var error = Assert.Throws<FormatException>(() => ServeCommand.Options(configuration));
        var options = ServeCommand.Options(zero);
        var unset = ServeCommand.Options(configuration, backend: "memory");

        Assert.Contains("'InMemoryRetention' ('1.00:00:00') applies to the in-memory backend only; Azure Storage keeps every execution.", error.Message, StringComparison.Ordinal);
        Assert.Equal(DurableBackendKind.AzureStorage, options.Backend.Backend);
        Assert.Equal(TimeSpan.FromDays(1), unset.Backend.InMemoryRetention);
    }

    [Fact]
    public void Options_UnknownBackend_IsAnError()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Hybrid:Backend"] = "cosmos" }).Build();

        Assert.Contains("cosmos", Assert.Throws<FormatException>(() => ServeCommand.Options(configuration)).Message, StringComparison.Ordinal);
    }

    private static async Task<JsonObject> PollAsync(HttpClient http, string url)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var response = await http.GetAsync(url, cts.Token);
            if (response.IsSuccessStatusCode)
            {
                var body = (await response.Content.ReadFromJsonAsync<JsonObject>(cts.Token))!;
                if (body["status"]!.GetValue<string>() != "RUNNING")
                {
                    return body;
                }
            }

            await Task.Delay(50, cts.Token);
        }
    }
}
