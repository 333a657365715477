using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hybrid.Asl.Errors;
using Hybrid.Asl.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Hybrid.Api;

/// <summary>A request body read as JSON: the value (null for an empty body or a JSON null), or the problem with it.</summary>
internal readonly record struct JsonBody(JsonNode? Value, bool IsEmpty, ProblemResult? Problem);

/// <summary>
/// Reads request bodies defensively: the content type must be JSON, the body is read up to a limit and never further,
/// and malformed JSON is reported with the line and the byte where it broke.
/// </summary>
internal static class RequestReader
{
    /// <summary>Step Functions' limit on an execution input, a task output and the like: 256 KiB of UTF-8.</summary>
    public const int MaxPayloadBytes = 256 * 1024;

    /// <summary>How deep a JSON body may nest (the same as the engine's parser).</summary>
    public const int MaxDepth = 1024;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth, AllowDuplicateProperties = false };

    /// <summary>
    /// Reads the body as JSON. <paramref name="what"/> names it in messages ("execution input"); <paramref name="invalidCode"/>
    /// is the error code of a malformed or oversized body.
    /// </summary>
    public static async Task<JsonBody> ReadJsonAsync(HttpRequest request, string what, string invalidCode, CancellationToken cancellationToken)
    {
        if (request.ContentLength is > MaxPayloadBytes)
        {
            return Fail(TooLarge(what, invalidCode));
        }

        var bytes = await ReadBytesAsync(request.Body, MaxPayloadBytes, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return Fail(TooLarge(what, invalidCode));
        }

        if (bytes.Length == 0)
        {
            return new JsonBody(null, IsEmpty: true, null);
        }

        if (UnsupportedMediaType(request) is { } unsupported)
        {
            return Fail(unsupported);
        }

        if (InvalidUtf8At(bytes) is { } invalid)
        {
            var problem = Problems.BadRequest(invalidCode, $"The {what} is not valid UTF-8: the byte at offset {invalid} (0x{bytes[invalid]:X2}) starts no valid character.");
            problem.Extensions["offset"] = invalid;
            return Fail(problem);
        }

        JsonNode? value;
        try
        {
            value = JsonNode.Parse(bytes, documentOptions: DocumentOptions);

            // Materialize and re-encode as the engine does, so text it would refuse (a lone surrogate) is refused here.
            _ = AslJson.ToJsonString(value);
        }
        catch (JsonException e)
        {
            return Fail(Malformed(what, invalidCode, e, bytes));
        }
        catch (Exception e) when (e is AslException or InvalidOperationException or ArgumentException)
        {
            // Invalid UTF-8 or UTF-16 inside a string.
            return Fail(Problems.BadRequest(invalidCode, $"The {what} is not valid JSON text: {e.Message}"));
        }

        return new JsonBody(value, IsEmpty: false, null);
    }

    /// <summary>415 unless the content type is absent or JSON (application/json, any application/*+json, text/json) in UTF-8.</summary>
    public static ProblemResult? UnsupportedMediaType(HttpRequest request)
    {
        var header = request.ContentType;
        if (string.IsNullOrEmpty(header))
        {
            return null;
        }

        if (MediaTypeHeaderValue.TryParse(header, out var media))
        {
            var type = media.MediaType.Value ?? "";
            var json = type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                || type.Equals("text/json", StringComparison.OrdinalIgnoreCase)
                || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
            var charset = media.Charset.Value;
            var utf8 = charset is null || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase);
            if (json && utf8)
            {
                return null;
            }
        }

        return new ProblemResult(StatusCodes.Status415UnsupportedMediaType, Problems.UnsupportedMediaType,
            $"The body must be JSON in UTF-8 (Content-Type: application/json), not '{header}'.");
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes; null when the body is longer.</summary>
    internal static async Task<byte[]?> ReadBytesAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var content = new MemoryStream();
            while (true)
            {
                var read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return content.ToArray();
                }

                if (content.Length + read > limit)
                {
                    return null;
                }

                content.Write(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Where the first byte that is not part of valid UTF-8 sits, if any (System.Text.Json decodes strings lazily).</summary>
    private static int? InvalidUtf8At(byte[] bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return null;
        }

        var at = 0;
        while (at < bytes.Length && Rune.DecodeFromUtf8(bytes.AsSpan(at), out _, out var consumed) == OperationStatus.Done)
        {
            at += consumed;
        }

        return at;
    }

    /// <summary>The byte size of a value once written as compact JSON, as the engine counts it.</summary>
    public static bool FitsPayloadLimit(JsonNode? value) => AslJson.Utf8Size(value) <= MaxPayloadBytes;

    private static JsonBody Fail(ProblemResult problem) => new(null, IsEmpty: false, problem);

    private static ProblemResult TooLarge(string what, string code) =>
        Problems.BadRequest(code, $"The {what} is larger than the limit of {MaxPayloadBytes} bytes (256 KiB) of UTF-8.");

    private static ProblemResult Malformed(string what, string code, JsonException e, byte[] bytes)
    {
        var message = e.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut > 0)
        {
            message = message[..cut].TrimEnd();
        }

        // The reader's advice is for programmers who configure it, not for people who send a body.
        message = message.Replace(" Change the reader options.", "", StringComparison.Ordinal);
        if (e.LineNumber is not { } lineNumber || e.BytePositionInLine is not { } bytePosition)
        {
            return Problems.BadRequest(code, $"The {what} is not valid JSON: {message}");
        }

        // System.Text.Json counts lines and bytes from 0; people count from 1.
        var line = lineNumber + 1;
        var column = bytePosition + 1;
        var problem = Problems.BadRequest(code, $"The {what} is not valid JSON: at line {line}, byte {column}: {message}{Near(bytes, lineNumber, bytePosition)}");
        problem.Extensions["line"] = line;
        problem.Extensions["position"] = column;
        return problem;
    }

    /// <summary>A short excerpt of the line where the JSON broke, to show the spot.</summary>
    private static string Near(byte[] bytes, long lineNumber, long position)
    {
        var start = 0;
        for (long line = 0; line < lineNumber && start < bytes.Length; start++)
        {
            if (bytes[start] == (byte)'\n')
            {
                line++;
            }
        }

        var at = (int)Math.Min(bytes.Length, start + position);
        var from = Math.Max(start, at - 20);
        var to = Math.Min(bytes.Length, at + 20);
        var end = Array.IndexOf(bytes, (byte)'\n', from, to - from);
        if (end >= 0)
        {
            to = end;
        }

        var excerpt = Encoding.UTF8.GetString(bytes, from, to - from).Replace('\r', ' ').Replace('\t', ' ');
        return excerpt.Length == 0 ? " (at the end of the body)" : $" (near '{excerpt}')";
    }
}
