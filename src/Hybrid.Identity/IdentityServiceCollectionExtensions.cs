using Hybrid.Identity.Audit;
using Hybrid.Identity.Policy;
using Hybrid.Identity.Sealing;
using Hybrid.Identity.Tokens;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hybrid.Identity;

/// <summary>Registers the identity layer in a host's container.</summary>
public static class IdentityServiceCollectionExtensions
{
    /// <summary>The named HttpClient used for discovery, JWKS and introspection.</summary>
    public const string HttpClientName = "Hybrid.Identity";

    /// <summary>
    /// Registers <see cref="ITokenValidator"/>, <see cref="AccessPolicyEvaluator"/>, <see cref="ReauthenticationOptions"/>, <see cref="IdentityGate"/>,
    /// <see cref="ITokenSealer"/> and, unless one is registered already, an <see cref="InMemoryAuditLog"/>.
    /// </summary>
    /// <param name="services">The container.</param>
    /// <param name="section">The <c>Identity</c> section: <see cref="TokenValidationOptions"/> at its root and
    /// <see cref="IdentityGateOptions"/> at its root, <see cref="AccessPolicyOptions"/> under <c>Policy</c>,
    /// <see cref="ReauthenticationOptions"/> under <c>Reauthentication</c>.</param>
    /// <remarks>The Data Protection key ring is left to the host: call <c>AddDataProtection().PersistKeysToBlobContainer(...)</c>
    /// on Azure or <c>PersistKeysToFileSystem</c> locally, with the application name <see cref="TokenSealing.ApplicationName"/>.</remarks>
    public static IServiceCollection AddHybridIdentity(this IServiceCollection services, IConfiguration section)
    {
        Check.NotNull(services);
        Check.NotNull(section);
        var options = section.Get<TokenValidationOptions>() ?? new TokenValidationOptions();
        var policy = section.GetSection("Policy").Get<AccessPolicyOptions>() ?? new AccessPolicyOptions();
        var gate = section.Get<IdentityGateOptions>() ?? new IdentityGateOptions();
        var reauthentication = (section.GetSection("Reauthentication").Get<ReauthenticationOptions>() ?? new ReauthenticationOptions()).Validated();

        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        services.TryAddSingleton<ITokenValidator>(sp => new TokenValidator(
            options,
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<TokenValidator>>(),
            sp.GetService<IHostEnvironment>()?.EnvironmentName));
        services.TryAddSingleton(new AccessPolicyEvaluator(policy));
        services.TryAddSingleton(reauthentication);
        services.TryAddSingleton<IAuditLog, InMemoryAuditLog>();
        services.TryAddSingleton(sp => new IdentityGate(
            sp.GetRequiredService<ITokenValidator>(),
            sp.GetRequiredService<AccessPolicyEvaluator>(),
            sp.GetRequiredService<IAuditLog>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<IdentityGate>>(),
            gate));
        services.AddDataProtection().SetApplicationName(TokenSealing.ApplicationName);
        services.TryAddSingleton<ITokenSealer>(sp => new TokenSealer(sp.GetRequiredService<IDataProtectionProvider>()));
        return services;
    }
}
