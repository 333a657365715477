using Hybrid.Testing;

namespace Hybrid.Host.Tests.Backends;

/// <summary>One Azurite for every Azure Storage backend test; each test uses a task hub of its own.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite backends";

    /// <summary>A task hub name no other test uses (letters and digits, as Azure Storage requires).</summary>
    public static string NewTaskHub(string purpose) => purpose + Guid.NewGuid().ToString("N")[..12];
}
