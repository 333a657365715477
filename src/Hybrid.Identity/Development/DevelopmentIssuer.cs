using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Hybrid.Identity.Development;

/// <summary>What <c>hybrid token --sub alice --groups admins</c> asks for.</summary>
public sealed record DevelopmentTokenRequest
{
    public required string Subject { get; init; }

    public IReadOnlyList<string> Groups { get; init; } = [];

    public IReadOnlyList<string> Scopes { get; init; } = [];

    public string ClientId { get; init; } = "hybrid-cli";

    public TimeSpan Lifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Defaults to <see cref="DevelopmentIssuer.DefaultAudience"/>.</summary>
    public string? Audience { get; init; }
}

/// <summary>
/// A local issuer for development: an RSA key kept in a local folder mints <c>at+jwt</c> access tokens that the
/// validator trusts only when the environment is Development. It stands in for Ping on a developer's machine.
/// </summary>
public sealed class DevelopmentIssuer
{
    /// <summary>The <c>iss</c> of every development token.</summary>
    public const string IssuerName = "https://hybrid.local/dev";

    /// <summary>The <c>aud</c> development tokens carry unless asked otherwise; the validator accepts it for them.</summary>
    public const string DefaultAudience = "https://hybrid.local/api";

    private const string KeyFileName = "dev-signing-key.pem";
    private readonly RsaSecurityKey _key;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    private DevelopmentIssuer(RsaSecurityKey key, TimeProvider time)
    {
        _key = key;
        _time = time;
    }

    /// <summary><c>~/.hybrid/dev-identity</c>.</summary>
    public static string DefaultFolder =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".hybrid", "dev-identity");

    /// <summary>The public key tokens are checked with.</summary>
    public SecurityKey VerificationKey => _key;

    /// <summary>Loads the key from <paramref name="folder"/>, creating it (readable by the owner only) on first use.</summary>
    public static DevelopmentIssuer LoadOrCreate(string? folder = null, TimeProvider? time = null)
    {
        folder ??= DefaultFolder;
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, KeyFileName);
        var rsa = RSA.Create();
        if (!File.Exists(path))
        {
            rsa.KeySize = 2048;
            try
            {
                WriteOwnerOnly(path, rsa.ExportPkcs8PrivateKeyPem());
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created the key first: use that one.
            }
        }

        rsa.ImportFromPem(File.ReadAllText(path));

        var key = new RsaSecurityKey(rsa);
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return new DevelopmentIssuer(key, time ?? TimeProvider.System);
    }

    private static void WriteOwnerOnly(string path, string pem)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(pem);
    }

    /// <summary>Mints a signed <c>at+jwt</c> access token.</summary>
    public string Mint(DevelopmentTokenRequest request)
    {
        Check.NotNull(request);
        Check.NotBlank(request.Subject);
        var now = _time.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["sub"] = request.Subject,
            ["client_id"] = request.ClientId,
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (request.Groups.Count > 0)
        {
            claims["groups"] = request.Groups.ToArray();
        }

        if (request.Scopes.Count > 0)
        {
            claims["scope"] = string.Join(' ', request.Scopes);
        }

        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = IssuerName,
            Audience = request.Audience ?? DefaultAudience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + request.Lifetime,
            TokenType = "at+jwt",
            Claims = claims,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
        });
    }
}
