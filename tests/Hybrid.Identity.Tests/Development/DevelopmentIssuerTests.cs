using Hybrid.Identity.Development;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Hybrid.Identity.Tests.Development;

public sealed class DevelopmentIssuerTests
{
    [Fact]
    public void Mint_Request_ProducesAtJwtWithTheAskedClaimsAndLifetime()
    {
        var folder = Directory.CreateTempSubdirectory("hybrid-dev-identity-");
        try
        {
            var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
            var issuer = DevelopmentIssuer.LoadOrCreate(folder.FullName, time);

            var token = new JsonWebToken(issuer.Mint(new DevelopmentTokenRequest
            {
                Subject = "alice",
                Groups = ["admins"],
                Scopes = ["workflows:start", "workflows:read"],
                Lifetime = TimeSpan.FromMinutes(15),
            }));

            Assert.Equal("at+jwt", token.Typ);
            Assert.Equal("RS256", token.Alg);
            Assert.Equal(DevelopmentIssuer.IssuerName, token.Issuer);
            Assert.Equal("alice", token.Subject);
            Assert.Equal([DevelopmentIssuer.DefaultAudience], token.Audiences);
            Assert.Equal("hybrid-cli", token.GetClaim("client_id").Value);
            Assert.Equal("workflows:start workflows:read", token.GetClaim("scope").Value);
            Assert.Equal(["admins"], token.Claims.Where(c => c.Type == "groups").Select(c => c.Value));
            Assert.Equal(new DateTime(2026, 11, 28, 12, 15, 0, DateTimeKind.Utc), token.ValidTo);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void LoadOrCreate_SameFolder_ReusesTheKeyReadableByTheOwnerOnly()
    {
        var folder = Directory.CreateTempSubdirectory("hybrid-dev-identity-");
        try
        {
            var first = DevelopmentIssuer.LoadOrCreate(folder.FullName);
            var second = DevelopmentIssuer.LoadOrCreate(folder.FullName);

            Assert.Equal(first.VerificationKey.KeyId, second.VerificationKey.KeyId);
            var file = Assert.Single(folder.GetFiles());
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file.FullName));
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
