using Hybrid.Aws.Http;
using Hybrid.Aws.Iam;
using Hybrid.Aws.StepFunctions;
using Hybrid.Aws.TestServer;
using Hybrid.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hybrid.Aws.Tests.Http;

public sealed class AwsRetryPolicyTests(AwsServerFixture fixture) : AwsServerTest(fixture)
{
    private string Machine() => Server.StepFunctions.AddStateMachine(Unique("retry"));

    [Fact]
    public async Task StartExecution_ThrottlingStormShorterThanAttempts_SucceedsAfterExponentialWaits()
    {
        Server.Faults.Enqueue("states", "StartExecution", FaultKind.Throttle, times: 3);

        var result = await Clients().StepFunctions.StartExecutionAsync(new StartExecutionRequest(Machine(), "storm"));

        Assert.EndsWith(":storm", result.ExecutionArn, StringComparison.Ordinal);
        Assert.Equal(4, CountRequests("states", "StartExecution"));
        Assert.Equal([TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400)], Delays);
    }

    [Fact]
    public async Task StartExecution_ThrottlingStormLongerThanAttempts_ThrowsThrottlingAfterMaxAttempts()
    {
        Server.Faults.Enqueue("states", "StartExecution", FaultKind.Throttle, times: 50);

        var ex = await Assert.ThrowsAsync<AwsThrottlingException>(() => Clients().StepFunctions.StartExecutionAsync(new StartExecutionRequest(Machine())));

        Assert.Equal("ThrottlingException", ex.ErrorCode);
        Assert.True(ex.IsRetryable);
        Assert.Equal(4, CountRequests("states", "StartExecution"));
        Assert.Equal(3, Delays.Count);
        Server.Faults.Clear();
    }

    [Fact]
    public async Task Backoff_ManyAttempts_IsCappedAtMaxDelay()
    {
        Server.Faults.Enqueue("states", "DescribeExecution", FaultKind.Throttle, times: 7);
        var started = await Clients().StepFunctions.StartExecutionAsync(new StartExecutionRequest(Machine()));
        var options = Options(retry: new AwsRetryOptions { MaxAttempts = 8, BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(500) });

        await Clients(options).StepFunctions.DescribeExecutionAsync(started.ExecutionArn);

        Assert.Equal(new[] { 100, 200, 400, 500, 500, 500, 500 }.Select(ms => TimeSpan.FromMilliseconds(ms)), Delays);
    }

    [Fact]
    public void BackoffAfter_Jitter_ScalesUniformlyBelowTheCeiling()
    {
        var options = new AwsRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(10) };
        var policy = new AwsRetryPolicy(options, TimeSpan.FromSeconds(30), (_, _) => Task.CompletedTask, () => 0.25, NullLogger.Instance);

        Assert.Equal(TimeSpan.FromMilliseconds(25), policy.BackoffAfter(1));
        Assert.Equal(TimeSpan.FromMilliseconds(200), policy.BackoffAfter(4));
    }

    [Fact]
    public void Constructor_ZeroAttempts_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new AwsRetryPolicy(
            new AwsRetryOptions { MaxAttempts = 0 }, TimeSpan.FromSeconds(30), (_, _) => Task.CompletedTask, () => 0, NullLogger.Instance));

    [Theory]
    [InlineData(FaultKind.TooManyRequests, "TooManyRequestsException")]
    [InlineData(FaultKind.InternalError, "InternalFailure")]
    [InlineData(FaultKind.ServiceUnavailable, "ServiceUnavailable")]
    public async Task DescribeExecution_TransientFault_IsRetried(FaultKind kind, string code)
    {
        var started = await Clients().StepFunctions.StartExecutionAsync(new StartExecutionRequest(Machine()));
        Server.Faults.Enqueue("states", "DescribeExecution", kind, times: 2);

        var description = await Clients().StepFunctions.DescribeExecutionAsync(started.ExecutionArn);

        Assert.Equal(ExecutionStatus.Running, description.Status);
        Assert.Equal([code, code, null], Server.Requests.Where(r => r.Operation == "DescribeExecution").Select(r => r.ErrorCode));
    }

    [Fact]
    public async Task DescribeExecution_ServerErrorsOutlastAttempts_ThrowsServiceUnavailable()
    {
        var started = await Clients().StepFunctions.StartExecutionAsync(new StartExecutionRequest(Machine()));
        Server.Faults.Enqueue("states", "DescribeExecution", FaultKind.ServiceUnavailable, times: 10);

        var ex = await Assert.ThrowsAsync<AwsServiceUnavailableException>(() => Clients().StepFunctions.DescribeExecutionAsync(started.ExecutionArn));

        Assert.Equal(503, (int)ex.StatusCode);
        Server.Faults.Clear();
    }

    [Fact]
    public async Task ListRoles_IamThrottlingThenServiceFailure_RetriesBoth()
    {
        Server.Faults.Enqueue("iam", "ListRoles", FaultKind.Throttle);
        Server.Faults.Enqueue("iam", "ListRoles", FaultKind.InternalError);

        await Clients().Iam.ListRolesAsync();

        Assert.Equal(["Throttling", "ServiceFailure", null], Server.Requests.Where(r => r.Operation == "ListRoles").Select(r => r.ErrorCode));
        Assert.Equal(2, Delays.Count);
    }

    [Fact]
    public async Task ListRoles_ServiceFailureOutlastsAttempts_ThrowsServiceFailure()
    {
        Server.Faults.Enqueue("iam", "ListRoles", FaultKind.InternalError, times: 10);

        var ex = await Assert.ThrowsAsync<ServiceFailureException>(() => Clients().Iam.ListRolesAsync());

        Assert.Equal(500, (int)ex.StatusCode);
        Assert.Equal(4, CountRequests("iam", "ListRoles"));
        Server.Faults.Clear();
    }

    [Fact]
    public async Task DescribeExecution_ModelledError_IsNotRetried()
    {
        await Assert.ThrowsAsync<ExecutionDoesNotExistException>(() => Clients().StepFunctions.DescribeExecutionAsync(
            $"arn:aws:states:us-east-1:{AwsTestServer.AccountId}:execution:a:b"));

        Assert.Equal(1, CountRequests("states", "DescribeExecution"));
        Assert.Empty(Delays);
    }

    [Fact]
    public async Task StartExecution_CancelledWhileWaitingToRetry_ThrowsOperationCanceled()
    {
        Server.Faults.Enqueue("states", "StartExecution", FaultKind.Throttle, times: 5);
        using var cts = new CancellationTokenSource();
        var sfn = Clients(delay: async (_, ct) =>
        {
            await cts.CancelAsync();
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
        }).StepFunctions;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sfn.StartExecutionAsync(new StartExecutionRequest(Machine()), cts.Token));

        Assert.Equal(1, CountRequests("states", "StartExecution"));
        Server.Faults.Clear();
    }

    [Fact]
    public async Task DescribeExecution_AttemptTimesOut_IsRetriedAsTransportFailure()
    {
        var started = await Clients().StepFunctions.StartExecutionAsync(new StartExecutionRequest(Machine()));
        Server.Faults.Enqueue("states", "DescribeExecution", FaultKind.Hang);
        var sfn = Clients(Options() with { AttemptTimeout = TimeSpan.FromMilliseconds(300) }).StepFunctions;

        var description = await sfn.DescribeExecutionAsync(started.ExecutionArn);

        Assert.Equal(ExecutionStatus.Running, description.Status);
        Assert.Equal(["(hang)", null], Server.Requests.Where(r => r.Operation == "DescribeExecution").Select(r => r.ErrorCode));
        Assert.Single(Delays);
    }

    [Fact]
    public async Task DescribeExecution_EveryAttemptTimesOut_ThrowsTimeoutNamingOperation()
    {
        Server.Faults.Enqueue("states", "DescribeExecution", FaultKind.Hang, times: 2);
        var sfn = Clients(Options(retry: new AwsRetryOptions { MaxAttempts = 2 }) with { AttemptTimeout = TimeSpan.FromSeconds(2) }).StepFunctions;

        var ex = await Assert.ThrowsAsync<TimeoutException>(() => sfn.DescribeExecutionAsync($"arn:aws:states:us-east-1:{AwsTestServer.AccountId}:execution:a:b"));

        Assert.Contains("states DescribeExecution", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, await CountRequestsAsync("states", "DescribeExecution", 2));
    }

    [Fact]
    public async Task AnyOperation_NothingListening_RetriesTransportFailureThenThrows()
    {
        var closed = new Uri($"http://127.0.0.1:{FreePorts.Next()}/");
        var sfn = Clients(Options() with { StepFunctionsEndpoint = closed }).StepFunctions;

        await Assert.ThrowsAsync<HttpRequestException>(() => sfn.DescribeExecutionAsync("arn:aws:states:us-east-1:1:execution:a:b"));

        Assert.Equal(3, Delays.Count);
    }
}
