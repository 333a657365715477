namespace Hybrid.Asl.Validation;

/// <summary>How bad a diagnostic is. Errors make a definition invalid; warnings do not.</summary>
public enum DiagnosticSeverity
{
    Error,
    Warning,
}

/// <summary>
/// One problem found in a state machine definition: a code (AWS ValidateStateMachineDefinition's codes where one
/// exists), a message, and a JSON pointer (RFC 6901) to the offending node.
/// </summary>
public sealed record Diagnostic(string Code, string Message, string Pointer, DiagnosticSeverity Severity = DiagnosticSeverity.Error)
{
    public override string ToString() => $"{Pointer}: {Code}: {Message}";
}

/// <summary>The diagnostic codes, in one place.</summary>
public static class DiagnosticCodes
{
    public const string InvalidJsonDescription = "INVALID_JSON_DESCRIPTION";
    public const string MissingDescription = "MISSING_DESCRIPTION";
    public const string SchemaValidationFailed = "SCHEMA_VALIDATION_FAILED";
    public const string InvalidResource = "INVALID_RESOURCE";
    public const string MissingEndState = "MISSING_END_STATE";
    public const string DuplicateStateName = "DUPLICATE_STATE_NAME";
    public const string InvalidStateName = "INVALID_STATE_NAME";
    public const string MissingTransitionTarget = "MISSING_TRANSITION_TARGET";
    public const string UnreachableState = "UNREACHABLE_STATE";
    public const string InvalidJsonPath = "INVALID_JSON_PATH";
    public const string InvalidIntrinsic = "INVALID_INTRINSIC_FUNCTION";
    public const string InvalidJsonata = "INVALID_JSONATA";
    public const string InvalidErrorEquals = "INVALID_ERROR_EQUALS";
    public const string FieldNotInQueryLanguage = "FIELD_NOT_IN_QUERY_LANGUAGE";
    public const string NoDollar = "NO_DOLLAR";
    public const string NoPath = "NO_PATH";
    public const string PassResultIsStatic = "PASS_RESULT_IS_STATIC";
}

/// <summary>Builds JSON pointers (RFC 6901), escaping '~' and '/'.</summary>
public static class JsonPointer
{
    public static string Append(string pointer, string token) =>
        pointer + "/" + token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    public static string Append(string pointer, int index) =>
        pointer + "/" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
