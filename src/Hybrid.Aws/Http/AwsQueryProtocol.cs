using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Hybrid.Aws.Http;

/// <summary>
/// The AWS Query protocol: a form body (<c>Action</c>, <c>Version</c>, lists as <c>Name.member.N</c>) and XML answers.
/// Elements are found by local name, so a response's namespace does not matter.
/// </summary>
internal sealed class AwsQueryRequest
{
    private readonly List<KeyValuePair<string, string>> _parameters = [];

    public AwsQueryRequest(string action, string version)
    {
        Add("Action", action);
        Add("Version", version);
    }

    public AwsQueryRequest Add(string name, string? value)
    {
        if (value is not null)
        {
            _parameters.Add(new(name, value));
        }

        return this;
    }

    public AwsQueryRequest Add(string name, int? value)
        => value is null ? this : Add(name, value.Value.ToString(CultureInfo.InvariantCulture));

    public Func<HttpContent> Body()
    {
        var bytes = Encoding.UTF8.GetBytes(string.Join('&', _parameters.Select(p => Rfc3986.Encode(p.Key) + "=" + Rfc3986.Encode(p.Value))));
        return () =>
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded") { CharSet = "utf-8" };
            return content;
        };
    }
}

internal static class AwsQueryProtocol
{
    /// <summary>Reads <c>&lt;ErrorResponse&gt;&lt;Error&gt;&lt;Code&gt;</c>; a body that does not parse yields an error named after the HTTP status.</summary>
    public static AwsErrorDetails ParseError(string service, string operation, AwsHttpResponse response)
    {
        string? code = null;
        string? message = null;
        var requestId = response.RequestId;
        try
        {
            var root = Load(response).Root;
            var error = root?.Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
            code = error?.ChildText("Code");
            message = error?.ChildText("Message");
            requestId ??= root?.Descendants().FirstOrDefault(e => e.Name.LocalName == "RequestId")?.Value;
        }
        catch (XmlException)
        {
            // Not XML (a proxy's page, say): the status still says what kind of failure it is.
        }

        if (string.IsNullOrWhiteSpace(code))
        {
            code = $"Http{(int)response.StatusCode}";
        }

        return new AwsErrorDetails(service, operation, code, message, response.StatusCode, requestId);
    }

    /// <summary>The <c>&lt;{Action}Result&gt;</c> element of a successful answer (empty for actions that return nothing).</summary>
    public static XElement Result(AwsHttpResponse response, string action)
    {
        var root = Load(response).Root ?? throw new FormatException("the XML has no root element");
        if (root.Name.LocalName != action + "Response")
        {
            throw new FormatException($"the root element is <{root.Name.LocalName}>, not <{action}Response>");
        }

        return root.Child(action + "Result") ?? new XElement(action + "Result");
    }

    private static XDocument Load(AwsHttpResponse response)
    {
        using var stream = new MemoryStream(response.Body, writable: false);
        using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
        return XDocument.Load(reader);
    }

    public static XElement? Child(this XElement element, string name)
        => element.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    public static string? ChildText(this XElement element, string name) => element.Child(name)?.Value;

    public static XElement RequiredChild(this XElement element, string name)
        => element.Child(name) ?? throw new FormatException($"<{element.Name.LocalName}> has no <{name}>");

    public static string RequiredText(this XElement element, string name)
        => element.ChildText(name) ?? throw new FormatException($"<{element.Name.LocalName}> has no <{name}>");

    public static IEnumerable<XElement> Members(this XElement element, string listName)
        => element.Child(listName)?.Elements().Where(e => e.Name.LocalName == "member") ?? [];

    public static bool Flag(this XElement element, string name)
    {
        var text = element.ChildText(name);
        return text switch
        {
            null => false,
            "true" => true,
            "false" => false,
            _ => throw new FormatException($"<{name}> is '{text}', not a boolean"),
        };
    }

    public static int? OptionalInt(this XElement element, string name)
    {
        var text = element.ChildText(name);
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"<{name}> is '{text}', not an integer");
    }

    public static DateTimeOffset RequiredDate(this XElement element, string name)
        => element.OptionalDate(name) ?? throw new FormatException($"<{element.Name.LocalName}> has no <{name}>");

    /// <summary>Query timestamps are ISO 8601.</summary>
    public static DateTimeOffset? OptionalDate(this XElement element, string name)
    {
        var text = element.ChildText(name);
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : throw new FormatException($"<{name}> is '{text}', not an ISO 8601 date");
    }
}
