using Hybrid.Testing;

namespace Hybrid.Host.Tests.Identity;

/// <summary>The identity tests share one OIDC provider (configured like Ping) and one Azurite.</summary>
[CollectionDefinition(Name)]
public sealed class IdentityCollection : ICollectionFixture<OidcProviderFixture>, ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Identity end to end";
}
