using Azure.Storage.Blobs;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;

namespace Hybrid.Identity.Sealing;

/// <summary>Wiring for the Data Protection key ring behind <see cref="TokenSealer"/>.</summary>
public static class TokenSealing
{
    /// <summary>The application name every Hybrid host shares, so one host can unseal what another sealed.</summary>
    public const string ApplicationName = "Hybrid";

    /// <summary>Stores the key ring in a blob container (for hosts registered through dependency injection).</summary>
    public static IDataProtectionBuilder PersistKeysToBlobContainer(
        this IDataProtectionBuilder builder, BlobContainerClient container, string prefix = "dataprotection/")
    {
        Check.NotNull(builder);
        var repository = new BlobXmlRepository(container, prefix);
        return builder.AddKeyManagementOptions(o => o.XmlRepository = repository);
    }

    /// <summary>A provider whose key ring lives in <paramref name="repository"/> (a blob container on Azure or Azurite).</summary>
    public static IDataProtectionProvider CreateProvider(IXmlRepository repository, string applicationName = ApplicationName)
    {
        Check.NotNull(repository);
        var services = new ServiceCollection();
        services.AddDataProtection()
            .SetApplicationName(applicationName)
            .AddKeyManagementOptions(o => o.XmlRepository = repository);
        return services.BuildServiceProvider().GetRequiredService<IDataProtectionProvider>();
    }

    /// <summary>A provider whose key ring lives in a local folder, for the embedded host and development.</summary>
    public static IDataProtectionProvider CreateProvider(DirectoryInfo folder, string applicationName = ApplicationName)
    {
        Check.NotNull(folder);
        return DataProtectionProvider.Create(folder, b => b.SetApplicationName(applicationName));
    }
}
