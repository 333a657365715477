using System.Collections.Frozen;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Hybrid.Api;

/// <summary>The workflow graph page, served from the assembly's embedded resources.</summary>
internal static class PageAssets
{
    /// <summary>The placeholder in index.html that becomes the request's path base, so the page works under any path base.</summary>
    private const string BasePlaceholder = "{{BASE}}";

    private static readonly Lazy<string> IndexTemplate = new(() => Encoding.UTF8.GetString(Load("index.html")));

    private static readonly FrozenDictionary<string, (string ContentType, Lazy<byte[]> Bytes)> Assets =
        new Dictionary<string, (string, Lazy<byte[]>)>(StringComparer.Ordinal)
        {
            ["graph.js"] = ("text/javascript; charset=utf-8", new Lazy<byte[]>(() => Load("graph.js"))),
            ["graph.css"] = ("text/css; charset=utf-8", new Lazy<byte[]>(() => Load("graph.css"))),
        }.ToFrozenDictionary(StringComparer.Ordinal);

    public static IResult Page(PathString pathBase)
    {
        var html = IndexTemplate.Value.Replace(BasePlaceholder, WebUtility.HtmlEncode(pathBase.ToUriComponent()), StringComparison.Ordinal);
        return new BytesResult(Encoding.UTF8.GetBytes(html), "text/html; charset=utf-8");
    }

    public static IResult? Asset(string file) =>
        Assets.TryGetValue(file, out var asset) ? new BytesResult(asset.Bytes.Value, asset.ContentType) : null;

    private static byte[] Load(string file)
    {
        using var stream = typeof(PageAssets).Assembly.GetManifestResourceStream("Hybrid.Api.Page." + file)
            ?? throw new InvalidOperationException($"The embedded page asset '{file}' is missing from {typeof(PageAssets).Assembly.GetName().Name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
