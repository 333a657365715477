using Hybrid.Identity.Development;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Hybrid.Cli.Tests.Commands;

public sealed class TokenCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hybrid-token-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Token_MintsASignedAtJwtForTheSubjectAndGroups()
    {
        var (code, output, _) = await CliRunner.RunAsync("token", "--sub", "alice", "--groups", "admins,ops", "--scopes", "workflows:start", "--lifetime", "5", "--key-folder", _folder);

        Assert.Equal(0, code);
        var issuer = DevelopmentIssuer.LoadOrCreate(_folder);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(output.Trim(), new TokenValidationParameters
        {
            ValidIssuer = DevelopmentIssuer.IssuerName,
            ValidAudience = DevelopmentIssuer.DefaultAudience,
            IssuerSigningKey = issuer.VerificationKey,
            ValidTypes = ["at+jwt"],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var token = (JsonWebToken)result.SecurityToken;
        Assert.Equal("alice", token.Subject);
        Assert.Equal(["admins", "ops"], token.Claims.Where(c => c.Type == "groups").Select(c => c.Value));
        Assert.Equal("workflows:start", token.GetClaim("scope").Value);
        Assert.InRange(token.ValidTo - token.ValidFrom, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(6));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1441")]
    public async Task Token_LifetimeOutOfRange_ExitsTwo(string minutes)
    {
        var (code, _, error) = await CliRunner.RunAsync("token", "--sub", "alice", "--lifetime", minutes, "--key-folder", _folder);

        Assert.Equal(2, code);
        Assert.Contains("--lifetime", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_WithoutSubject_IsRejected()
    {
        var (code, _, error) = await CliRunner.RunAsync("token", "--key-folder", _folder);

        Assert.NotEqual(0, code);
        Assert.Contains("--sub", error, StringComparison.Ordinal);
    }
}
