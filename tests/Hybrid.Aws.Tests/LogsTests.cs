using Hybrid.Aws.StepFunctions;
using Hybrid.Aws.TestServer;
using Microsoft.Extensions.Logging;

namespace Hybrid.Aws.Tests;

public sealed class LogsTests(AwsServerFixture fixture) : AwsServerTest(fixture)
{
    [Fact]
    public async Task Retry_ThenFinalFailure_LogsEachWithStableEventIds()
    {
        var logs = new ListLoggerFactory();
        using var clients = new AwsClients(Options(), logs, null, null, (_, _) => Task.CompletedTask, () => 0.5);
        Server.Faults.Enqueue("states", "DescribeExecution", FaultKind.Throttle);

        await Assert.ThrowsAsync<ExecutionDoesNotExistException>(() => clients.StepFunctions.DescribeExecutionAsync(
            $"arn:aws:states:us-east-1:{AwsTestServer.AccountId}:execution:a:b"));

        Assert.Equal([4001, 4002], logs.Entries.Select(e => e.Id));
        Assert.Contains("DescribeExecution attempt 1 failed with ThrottlingException (HTTP 400); retrying in 50 ms", logs.Entries[0].Message, StringComparison.Ordinal);
        Assert.Contains("ExecutionDoesNotExist", logs.Entries[1].Message, StringComparison.Ordinal);
    }

    private sealed class ListLoggerFactory : ILoggerFactory, ILogger
    {
        public List<(int Id, LogLevel Level, string Message)> Entries { get; } = [];

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries)
            {
                Entries.Add((eventId.Id, logLevel, formatter(state, exception)));
            }
        }
    }
}
