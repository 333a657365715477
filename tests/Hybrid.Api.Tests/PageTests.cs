using System.Net;

namespace Hybrid.Api.Tests;

public sealed class PageTests(ApiHost host) : ApiTestBase(host)
{
    [Fact]
    public async Task GetPage_ServesHtmlThatLoadsOnlyFromThisServer()
    {
        using var response = await Client.GetAsync("");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<meta name=\"hybrid-api\" content=\"/api\">", html, StringComparison.Ordinal);
        Assert.Contains("src=\"/ui/graph.js\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/ui/graph.css\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", html, StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("graph.js", "text/javascript")]
    [InlineData("graph.css", "text/css")]
    public async Task GetPageAsset_Known_ServesItFromTheAssembly(string file, string mediaType)
    {
        using var response = await Client.GetAsync($"ui/{file}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(text.Length > 1000);

        // Nothing may load from outside the machine: no URLs but the SVG namespace, no imports, no web fonts.
        Assert.DoesNotContain("https://", text, StringComparison.Ordinal);
        Assert.Equal(mediaType == "text/css" ? 0 : 1, text.Split("http://").Length - 1);
        Assert.DoesNotContain("@import", text, StringComparison.Ordinal);
        Assert.DoesNotContain("@font-face", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetPageAsset_Unknown_Answers404()
    {
        using var response = await Client.GetAsync("ui/secrets.txt");

        await ApiHost.ReadProblemAsync(response, HttpStatusCode.NotFound, "ResourceNotFound");
    }
}
