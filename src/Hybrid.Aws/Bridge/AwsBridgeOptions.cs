namespace Hybrid.Aws.Bridge;

/// <summary>How the bridge gets the credentials it calls Step Functions with.</summary>
public enum AwsFederationMode
{
    /// <summary>The clients' own credentials (configured, or AWSSDK's default chain).</summary>
    None,

    /// <summary>AssumeRoleWithWebIdentity with the caller's Ping token: AWS sees the caller's own identity.</summary>
    WebIdentity,

    /// <summary>AssumeRole from the clients' credentials, with the caller's subject as SourceIdentity and a session tag.</summary>
    AssumeRole,
}

/// <summary>Federation: which role the bridge assumes for each caller, and how.</summary>
public sealed record AwsFederationOptions
{
    public AwsFederationMode Mode { get; init; } = AwsFederationMode.None;

    /// <summary>The role to assume. A Task's <c>Credentials.RoleArn</c> takes precedence (and alone turns on AssumeRole).</summary>
    public string? RoleArn { get; init; }

    /// <summary>Session length: 900 s up to the role's MaxSessionDuration (a chained AssumeRole is capped at 3600 s).</summary>
    public int DurationSeconds { get; init; } = 3600;

    /// <summary>A cached session is renewed this long before it expires.</summary>
    public TimeSpan RefreshBefore { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The session tag that carries the subject with <see cref="AwsFederationMode.AssumeRole"/>.</summary>
    public string SubjectTagKey { get; init; } = "hybrid:subject";

    /// <exception cref="ArgumentException">A value cannot work.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentOutOfRangeException(nameof(Mode), Mode, "Unknown federation mode; use None, WebIdentity or AssumeRole.");
        }

        if (Mode != AwsFederationMode.None && string.IsNullOrWhiteSpace(RoleArn))
        {
            throw new ArgumentException($"Federation mode {Mode} needs a RoleArn (the role the bridge assumes for each caller).", nameof(RoleArn));
        }

        Check.InRange(DurationSeconds, 900, 43200);
        Check.NotNegative(RefreshBefore);
        Check.NotBlank(SubjectTagKey);
    }
}

/// <summary>Settings of the Step Functions bridge.</summary>
public sealed record AwsBridgeOptions
{
    /// <summary>The wait before the first poll of a <c>.sync</c> child; each later wait doubles, up to <see cref="MaxPollInterval"/>.</summary>
    public TimeSpan FirstPollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The longest wait between two polls, and the wait after a throttled poll. DescribeExecution's quota refills at
    /// about 15 calls/s per account: n children polled at this interval cost n / interval calls per second.
    /// </summary>
    public TimeSpan MaxPollInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The field of the child's input (when it is a JSON object) that carries the caller: <c>{"Subject", "ExecutionId"}</c>.</summary>
    public string CallerField { get; init; } = "HybridCaller";

    public AwsFederationOptions Federation { get; init; } = new();

    /// <exception cref="ArgumentException">A value cannot work.</exception>
    public void Validate()
    {
        Check.Positive(FirstPollInterval);
        Check.Positive(MaxPollInterval);
        if (MaxPollInterval < FirstPollInterval)
        {
            throw new ArgumentException($"MaxPollInterval ({MaxPollInterval}) is shorter than FirstPollInterval ({FirstPollInterval}).", nameof(MaxPollInterval));
        }

        Check.NotBlank(CallerField);
        Check.NotNull(Federation).Validate();
    }
}
