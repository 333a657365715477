using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Execution;
using Hybrid.Asl.Running;
using Hybrid.Durable.Dispatch;
using Hybrid.Durable.Executions;
using Hybrid.Durable.History;
using Hybrid.Host.Backends;
using Microsoft.DurableTask.Protobuf;
using Microsoft.DurableTask.Worker.Grpc;
using Microsoft.Extensions.DependencyInjection;

namespace Hybrid.Durable.Tests.Orchestration;

/// <summary>
/// A stop that lands while a long-running task is being started, before the orchestrator names the task in its custom
/// status, still stops the task: the start is held by a gate at each point of that window in turn, the stop comes, and
/// the gate opens. Every wait is bounded; none is a sleep.
/// </summary>
public sealed class StopRaceTests
{
    private const string Job = """{"StartAt":"Job","States":{"Job":{"Type":"Task","Resource":"arn:aws:states:::hybrid-test:gated.sync","End":true}}}""";

    /// <summary>The job's start outlasts the Task's timeout.</summary>
    private const string Timed = """{"StartAt":"Job","States":{"Job":{"Type":"Task","Resource":"arn:aws:states:::hybrid-test:gated.sync","TimeoutSeconds":1,"End":true}}}""";

    /// <summary>Branch B fails once branch A's job has started.</summary>
    private const string Sibling = """
        {"StartAt":"Both","States":{"Both":{"Type":"Parallel","End":true,"Branches":[
          {"StartAt":"Job","States":{"Job":{"Type":"Task","Resource":"arn:aws:states:::hybrid-test:gated.sync","End":true}}},
          {"StartAt":"Break","States":{"Break":{"Type":"Task","Resource":"arn:hybrid-test:break","End":true}}}]}}}
        """;

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Stop_WhileTheHandlerIsStarting_TheDispatchActivityStopsTheTaskItself()
    {
        var job = new GatedJob { HoldStart = true };
        var answers = new AnswerGate(hold: false);
        await using var host = await StartAsync(job, answers);
        var id = (await host.Executions.StartAsync("job", new JsonObject(), "mid-start")).ExecutionId;
        var key = await job.Started.Task.WaitAsync(Bound);

        await host.Executions.StopAsync(id, "Operator.Stopped", "stopped mid-start");
        var aborted = await host.WaitAsync(id);
        job.Release.SetResult();
        await answers.Answered.Task.WaitAsync(Bound);

        Assert.Equal(ExecutionStatus.Aborted, aborted.Status);
        Assert.Equal([(key, "Operator.Stopped", "stopped mid-start")], job.Stops);
        Assert.Empty(await Started(host).TasksAsync(id));
    }

    [Fact]
    public async Task Stop_AfterTheStartBeforeTheActivityAnswers_TheStopStopsTheRecordedTask()
    {
        var job = new GatedJob();
        var answers = new AnswerGate(hold: true);
        await using var host = await StartAsync(job, answers);
        var id = (await host.Executions.StartAsync("job", new JsonObject(), "mid-answer")).ExecutionId;
        var key = await job.Started.Task.WaitAsync(Bound);
        await answers.Held.Task.WaitAsync(Bound);

        await host.Executions.StopAsync(id);
        var aborted = await host.WaitAsync(id);
        var stop = await job.Stopped.Task.WaitAsync(Bound);
        answers.Release.SetResult();
        await answers.Answered.Task.WaitAsync(Bound);

        Assert.Equal(ExecutionStatus.Aborted, aborted.Status);
        Assert.Equal((key, ErrorNames.Aborted, "The execution was stopped."), stop);
        Assert.Single(job.Stops);
    }

    [Fact]
    public async Task Stop_AfterTheActivityAnsweredBeforeTheWaitIsCommitted_TheStopStopsTheRecordedTask()
    {
        var job = new GatedJob();
        var commits = new CommitGate();
        await using var host = await StartAsync(job, new AnswerGate(hold: false), commits);
        var id = (await host.Executions.StartAsync("job", new JsonObject(), "mid-commit")).ExecutionId;
        var key = await job.Started.Task.WaitAsync(Bound);
        await commits.Held.Task.WaitAsync(Bound);

        await host.Executions.StopAsync(id, "Operator.Stopped", "stopped mid-commit");
        var stop = await job.Stopped.Task.WaitAsync(Bound);
        commits.Release.SetResult();
        var aborted = await host.WaitAsync(id);

        Assert.Equal(ExecutionStatus.Aborted, aborted.Status);
        Assert.Equal((key, "Operator.Stopped", "stopped mid-commit"), stop);
        Assert.Single(job.Stops);
    }

    [Fact]
    public async Task FailedParallel_SiblingIsStartingItsTask_TheTaskIsStoppedWithBranchFailed()
    {
        var job = new GatedJob { HoldStart = true };
        var answers = new AnswerGate(hold: false);
        await using var host = await StartAsync(job, answers);
        var id = (await host.Executions.StartAsync("sibling", new JsonObject(), "sibling")).ExecutionId;
        var key = await job.Started.Task.WaitAsync(Bound);

        // Branch B fails while A's start is held; the Parallel stops A, and the execution fails, before A's start answers.
        var failed = await host.WaitAsync(id);
        job.Release.SetResult();
        await answers.Answered.Task.WaitAsync(Bound);

        Assert.Equal(ExecutionStatus.Failed, failed.Status);
        Assert.Equal("B.Broke", failed.Error);
        Assert.StartsWith(id + "~0.0@", key, StringComparison.Ordinal);
        Assert.Equal([(key, ErrorNames.BranchFailed)], job.Stops.Select(s => (s.Key, s.Error)));
    }

    [Fact]
    public async Task FailedParallel_SiblingStartedItsTaskButHasNotAnswered_TheStopStopsTheRecordedTask()
    {
        var job = new GatedJob();
        var answers = new AnswerGate(hold: true);
        await using var host = await StartAsync(job, answers);
        var id = (await host.Executions.StartAsync("sibling", new JsonObject(), "sibling-answer")).ExecutionId;
        var key = await job.Started.Task.WaitAsync(Bound);
        await answers.Held.Task.WaitAsync(Bound);

        var failed = await host.WaitAsync(id);
        var stop = await job.Stopped.Task.WaitAsync(Bound);
        answers.Release.SetResult();
        await answers.Answered.Task.WaitAsync(Bound);

        Assert.Equal(ExecutionStatus.Failed, failed.Status);
        Assert.Equal("B.Broke", failed.Error);
        Assert.Equal((key, ErrorNames.BranchFailed), (stop.Key, stop.Error));
        Assert.Single(job.Stops);
    }

    [Fact]
    public async Task Start_TheTaskCannotBeRecorded_IsStoppedAndTheTaskFails()
    {
        var job = new GatedJob();
        await using var host = await StartAsync(job, new AnswerGate(hold: false), configure: services => services.AddSingleton<IStartedTaskStore>(new UnwritableStore()));
        var id = (await host.Executions.StartAsync("job", new JsonObject(), "unrecorded")).ExecutionId;
        var failed = await host.WaitAsync(id);

        Assert.Equal(ExecutionStatus.Failed, failed.Status);
        Assert.Equal(ErrorNames.TaskFailed, failed.Error);
        var stop = Assert.Single(job.Stops);
        Assert.Equal((await job.Started.Task, ErrorNames.TaskFailed), (stop.Key, stop.Error));
        Assert.Contains("could not be recorded or checked for a stop: the store is down", stop.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ThatOutlastsTheTasksTimeout_IsStoppedWhenItAnswers()
    {
        var job = new GatedJob { HoldStart = true };
        await using var host = await StartAsync(job, new AnswerGate(hold: false));
        var id = (await host.Executions.StartAsync("timed", new JsonObject(), "late")).ExecutionId;
        var key = await job.Started.Task.WaitAsync(Bound);

        // The Task state fails with States.Timeout (the execution's history says so) while the start is still held.
        using (var timeout = new CancellationTokenSource(Bound))
        {
            while (!(await host.Executions.GetHistoryAsync(id))!.Any(e => e.Type == "ExecutionFailed"))
            {
                await Task.Delay(50, timeout.Token);
            }
        }

        Assert.Empty(job.Stops);
        job.Release.SetResult();
        var stop = await job.Stopped.Task.WaitAsync(Bound);
        var failed = await host.WaitAsync(id);

        Assert.Equal((key, ErrorNames.Timeout, "Task 'Job' did not finish within 1 seconds."), stop);
        Assert.Single(job.Stops);
        Assert.Equal(ExecutionStatus.Failed, failed.Status);
        Assert.Equal(ErrorNames.Timeout, failed.Error);
        Assert.Empty(await Started(host).TasksAsync(id));
    }

    private static IStartedTaskStore Started(DurableHost host) => host.Services.GetRequiredService<IStartedTaskStore>();

    private static Task<DurableHost> StartAsync(GatedJob job, AnswerGate answers, CommitGate? commits = null, Action<IServiceCollection>? configure = null) => DurableHost.StartAsync(
        FolderWorkflowRegistry.FromSources([("job", "test", Job), ("timed", "test", Timed), ("sibling", "test", Sibling)]),
        handlers => handlers
            .Register(GatedJob.Resource, job)
            .Register("arn:hybrid-test:break", async (_, ct) =>
            {
                await job.Started.Task.WaitAsync(ct);
                throw new AslException("B.Broke", "branch B failed");
            }),
        new DurableBackendOptions(),
        services =>
        {
            services.AddSingleton<IDispatchMiddleware>(answers);
            configure?.Invoke(services);
            if (commits is not null)
            {
                services.PostConfigure<GrpcDurableTaskWorkerOptions>(o => o.CallInvoker = o.CallInvoker!.Intercept(commits));
            }
        });

    /// <summary>A store that cannot be written.</summary>
    private sealed class UnwritableStore : IStartedTaskStore
    {
        public Task RecordAsync(string executionId, StartedTask task, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("the store is down");

        public Task ForgetAsync(string executionId, string invocationKey, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task MarkStoppedAsync(string executionId, IReadOnlyList<StopMark> marks, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task<IReadOnlyList<StartedTask>> TasksAsync(string executionId, CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<StartedTask>>([]);

        public Task<IReadOnlyList<StopMark>> StoppedAsync(string executionId, CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<StopMark>>([]);
    }

    /// <summary>A long-running job that never ends; its start may be held, and it records its stops.</summary>
    private sealed class GatedJob : ILongRunningTaskHandler
    {
        public const string Resource = "arn:aws:states:::hybrid-test:gated.sync";
        private readonly ConcurrentQueue<(string Key, string? Error, string? Cause)> _stops = new();

        public bool HoldStart { get; init; }

        /// <summary>The invocation key of the start, once the work has started.</summary>
        public TaskCompletionSource<string> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<(string Key, string? Error, string? Cause)> Stopped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<(string Key, string? Error, string? Cause)> Stops => [.. _stops];

        public async ValueTask<TaskProgress> StartAsync(TaskInvocation invocation, CancellationToken cancellationToken)
        {
            Started.TrySetResult(invocation.Scope!.Key);
            if (HoldStart)
            {
                await Release.Task.WaitAsync(cancellationToken);
            }

            return TaskProgress.Running(new JsonObject { ["job"] = invocation.Scope.Key }, TimeSpan.FromHours(1));
        }

        public ValueTask<TaskProgress> PollAsync(TaskInvocation invocation, JsonNode? state, int poll, CancellationToken cancellationToken) =>
            ValueTask.FromResult(TaskProgress.Running(state, TimeSpan.FromHours(1)));

        public ValueTask StopAsync(TaskInvocation invocation, JsonNode? state, string? error, string? cause, CancellationToken cancellationToken)
        {
            var stop = (invocation.Scope!.Key, error, cause);
            Assert.Equal(invocation.Scope.Key, state!["job"]!.GetValue<string>());
            _stops.Enqueue(stop);
            Stopped.TrySetResult(stop);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Around the gated job's start: may hold the dispatch activity after the handler returned, and tells when it answered.</summary>
    private sealed class AnswerGate(bool hold) : IDispatchMiddleware
    {
        public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Answered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask<JsonNode?> InvokeAsync(DispatchContext context, Func<ValueTask<JsonNode?>> next, CancellationToken cancellationToken)
        {
            if (context.Request.Resource != GatedJob.Resource || context.Request.Phase is not null)
            {
                return await next();
            }

            try
            {
                var output = await next();
                if (hold)
                {
                    Held.SetResult();
                    await Release.Task.WaitAsync(cancellationToken);
                }

                return output;
            }
            finally
            {
                Answered.TrySetResult();
            }
        }
    }

    /// <summary>
    /// Holds the worker's commit of the episode that names the task in the instance's custom status: the dispatch
    /// activity has answered, and the backend does not yet know that the instance waits for the task.
    /// </summary>
    private sealed class CommitGate : Interceptor
    {
        public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
            TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            if (request is not OrchestratorResponse { CustomStatus: { } status } || !status.Contains("\"waiting\"", StringComparison.OrdinalIgnoreCase) || !Held.TrySetResult())
            {
                return continuation(request, context);
            }

            async Task<TResponse> Later()
            {
                await Release.Task;
                return await continuation(request, context).ResponseAsync;
            }

            return new AsyncUnaryCall<TResponse>(Later(), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        }
    }
}
