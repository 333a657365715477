using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Hybrid.Durable.Orchestration;

/// <summary>
/// Task tokens for <c>.waitForTaskToken</c> tasks: <c>base64url(instance id) "." 32 hex digits</c>. The instance is the
/// Durable instance that waits (an execution, or one of its branches); the hex part names the external event it waits for.
/// </summary>
public static class TaskTokens
{
    public static string Create(string instanceId, Guid id) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(instanceId)) + "." + id.ToString("N");

    public static bool TryParse(string? token, [NotNullWhen(true)] out string? instanceId, [NotNullWhen(true)] out string? id)
    {
        instanceId = null;
        id = null;
        if (string.IsNullOrEmpty(token) || token.Length > 2048)
        {
            return false;
        }

        var dot = token.LastIndexOf('.');
        if (dot <= 0 || token.Length - dot - 1 != 32 || !Guid.TryParseExact(token.AsSpan(dot + 1), "N", out _))
        {
            return false;
        }

        try
        {
            instanceId = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.AsSpan(0, dot)));
        }
        catch (FormatException)
        {
            return false;
        }

        id = token[(dot + 1)..];
        return instanceId.Length > 0;
    }

    /// <summary>The external event that delivers SendTaskSuccess/SendTaskFailure for a token.</summary>
    public static string CallbackEvent(string id) => "HybridTask_" + id;

    /// <summary>The external event that delivers SendTaskHeartbeat for a token.</summary>
    public static string HeartbeatEvent(string id) => "HybridHeartbeat_" + id;
}
