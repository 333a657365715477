using System.Text;
using Azure.Storage.Blobs;
using Hybrid.Identity.Sealing;
using Hybrid.Identity.Tests.Audit;

namespace Hybrid.Identity.Tests.Sealing;

[Collection(AzuriteCollection.Name)]
public sealed class TokenSealerTests
{
    private const string Token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";
    private readonly AzuriteFixture _azurite;

    public TokenSealerTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
    }

    [Fact]
    public void Seal_BlobKeyRing_NeverContainsThePlaintextAndUnsealsInAnotherInstance()
    {
        var container = new BlobServiceClient(_azurite.ConnectionString).GetBlobContainerClient("keys" + Guid.NewGuid().ToString("N")[..12]);
        var first = new TokenSealer(TokenSealing.CreateProvider(new BlobXmlRepository(container)));

        var sealedToken = first.Seal(Token, "exec-1");
        var second = new TokenSealer(TokenSealing.CreateProvider(new BlobXmlRepository(container)));

        Assert.StartsWith(TokenSealer.Prefix, sealedToken, StringComparison.Ordinal);
        AssertHidesToken(sealedToken);
        Assert.True(second.TryUnseal(sealedToken, "exec-1", out var unsealed));
        Assert.Equal(Token, unsealed);
        var blobs = container.GetBlobs(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "dataprotection/", CancellationToken.None).ToList();
        var key = Assert.Single(blobs);
        Assert.EndsWith(".xml", key.Name, StringComparison.Ordinal);
    }

    [Fact]
    public void TryUnseal_OtherPurpose_Fails()
    {
        var sealer = FileSealer(out var folder);
        try
        {
            var sealedToken = sealer.Seal(Token, "exec-1");

            Assert.False(sealer.TryUnseal(sealedToken, "exec-2", out var token));
            Assert.Null(token);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("not sealed")]
    [InlineData("sealed:v1:")]
    [InlineData("sealed:v1:AAAA")]
    [InlineData("sealed:v1:!!!!")]
    public void TryUnseal_Garbage_FailsWithoutThrowing(string garbage)
    {
        var sealer = FileSealer(out var folder);
        try
        {
            Assert.False(sealer.TryUnseal(garbage, "exec-1", out _));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void TryUnseal_Tampered_Fails()
    {
        var sealer = FileSealer(out var folder);
        try
        {
            var sealedToken = sealer.Seal(Token, "exec-1");
            var chars = sealedToken.ToCharArray();
            var i = chars.Length - 5;
            chars[i] = chars[i] == 'A' ? 'B' : 'A';

            Assert.False(sealer.TryUnseal(new string(chars), "exec-1", out _));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Seal_FileKeyRing_SurvivesANewProviderOnTheSameFolder()
    {
        var sealer = FileSealer(out var folder);
        try
        {
            var sealedToken = sealer.Seal(Token, "exec-1");
            var again = new TokenSealer(TokenSealing.CreateProvider(folder));

            AssertHidesToken(sealedToken);
            Assert.True(again.TryUnseal(sealedToken, "exec-1", out var unsealed));
            Assert.Equal(Token, unsealed);
            Assert.NotEmpty(folder.GetFiles("key-*.xml"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static void AssertHidesToken(string sealedToken)
    {
        Assert.DoesNotContain(Token, sealedToken, StringComparison.Ordinal);
        foreach (var part in Token.Split('.'))
        {
            Assert.DoesNotContain(part, sealedToken, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(Token)), sealedToken, StringComparison.Ordinal);
    }

    private static TokenSealer FileSealer(out DirectoryInfo folder)
    {
        folder = Directory.CreateTempSubdirectory("hybrid-keys-");
        return new TokenSealer(TokenSealing.CreateProvider(folder));
    }
}
