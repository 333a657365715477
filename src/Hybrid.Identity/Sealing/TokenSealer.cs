using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Hybrid.Identity.Sealing;

/// <summary>
/// Seals a bearer token before it is stored in durable state, and unseals it when an activity needs it again.
/// The sealed form is authenticated ciphertext: it never contains the token, and it is bound to a purpose.
/// </summary>
public interface ITokenSealer
{
    /// <param name="token">The bearer token.</param>
    /// <param name="purpose">Binds the sealed form to one use, for example an execution id; unsealing needs the same purpose.</param>
    string Seal(string token, string purpose);

    /// <returns>False when the sealed form was altered, sealed for another purpose, or its key is gone.</returns>
    bool TryUnseal(string sealedToken, string purpose, [NotNullWhen(true)] out string? token);
}

/// <summary><see cref="ITokenSealer"/> over ASP.NET Core Data Protection.</summary>
public sealed class TokenSealer : ITokenSealer
{
    /// <summary>Marks a sealed token (and its format version) in durable state.</summary>
    public const string Prefix = "sealed:v1:";

    private const string RootPurpose = "Hybrid.Identity.SealedToken.v1";
    private readonly IDataProtectionProvider _provider;

    public TokenSealer(IDataProtectionProvider provider)
    {
        _provider = Check.NotNull(provider);
    }

    public string Seal(string token, string purpose)
    {
        Check.NotBlank(token);
        Check.NotBlank(purpose);
        return Prefix + Protector(purpose).Protect(token);
    }

    public bool TryUnseal(string sealedToken, string purpose, [NotNullWhen(true)] out string? token)
    {
        token = null;
        if (string.IsNullOrEmpty(sealedToken) || string.IsNullOrEmpty(purpose)
            || !sealedToken.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            token = Protector(purpose).Unprotect(sealedToken[Prefix.Length..]);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private IDataProtector Protector(string purpose) => _provider.CreateProtector(RootPurpose, purpose);
}
