namespace Hybrid.Asl.Errors;

/// <summary>
/// An ASL error raised while a state runs: an error name and a cause, which Retry and Catch can match.
/// The interpreter turns it into data (<see cref="AslError"/>) at the state boundary.
/// </summary>
public sealed class AslException : Exception
{
    public AslException(string error, string cause)
        : base($"{error}: {cause}")
    {
        Error = error;
        Cause = cause;
    }

    public AslException(string error, string cause, Exception inner)
        : base($"{error}: {cause}", inner)
    {
        Error = error;
        Cause = cause;
    }

    public string Error { get; }

    public string Cause { get; }

    public AslError ToError() => new(Error, Cause);
}

/// <summary>An ASL error as data: the name Retry and Catch match, and a human-readable cause.</summary>
public sealed record AslError(string Error, string? Cause);
