namespace Hybrid.Identity.Tests;

/// <summary>Tests that share one OIDC provider.</summary>
[CollectionDefinition(Name)]
public sealed class OidcCollection : ICollectionFixture<OidcProviderFixture>
{
    public const string Name = "oidc-provider";
}
