using Hybrid.Durable.Rotation;
using Hybrid.Functions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

// The isolated worker: ASP.NET Core integration for the HTTP triggers, and Hybrid's services (see FunctionsServices).
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
if (builder.Configuration[FunctionsSettings.Storage] is { Length: > 0 } storage)
{
    // The Ping client secret the last key rotation stored wins over the deployed one.
    builder.Configuration.AddRotatedSecrets(storage);
}

builder.Services.AddHybridFunctions(builder.Configuration, AppContext.BaseDirectory);
await builder.Build().RunAsync();
