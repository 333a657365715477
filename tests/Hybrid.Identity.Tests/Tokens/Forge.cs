using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace Hybrid.Identity.Tests.Tokens;

/// <summary>Hand-made JWS compact tokens for negative cases, signed (or not) exactly as each case needs.</summary>
internal static class Forge
{
    public static JsonObject Header(string kid, string alg = "RS256", string typ = "at+jwt")
        => new() { ["alg"] = alg, ["typ"] = typ, ["kid"] = kid };

    public static JsonObject Payload(string issuer, DateTimeOffset now, string audience = OidcProviderFixture.JwtResource)
        => new()
        {
            ["iss"] = issuer,
            ["sub"] = "forged-subject",
            ["client_id"] = "hybrid-admin",
            ["aud"] = audience,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(30).ToUnixTimeSeconds(),
            ["scope"] = "workflows:start",
            ["groups"] = new JsonArray("admins"),
        };

    public static string Rs256(JsonObject header, JsonObject payload, RsaSecurityKey key)
    {
        var input = Encode(header) + "." + Encode(payload);
        var signature = key.Rsa.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return input + "." + Base64UrlEncoder.Encode(signature);
    }

    public static string Unsigned(JsonObject header, JsonObject payload) => Encode(header) + "." + Encode(payload) + ".";

    /// <summary>The key-confusion attack: HS256 keyed with the issuer's published public key.</summary>
    public static string HmacWithPublicKey(JsonObject header, JsonObject payload, RsaSecurityKey key)
    {
        var input = Encode(header) + "." + Encode(payload);
        var secret = Encoding.ASCII.GetBytes(key.Rsa.ExportSubjectPublicKeyInfoPem());
        return input + "." + Base64UrlEncoder.Encode(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(input)));
    }

    /// <summary>Replaces the payload of a real token and keeps its signature.</summary>
    public static string Tamper(string token, Action<JsonObject> change)
    {
        var parts = token.Split('.');
        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        change(payload);
        return parts[0] + "." + Encode(payload) + "." + parts[2];
    }

    private static string Encode(JsonObject json) => Base64UrlEncoder.Encode(json.ToJsonString());
}
