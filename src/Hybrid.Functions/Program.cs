using Hybrid.Functions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

// The isolated worker: ASP.NET Core integration for the HTTP triggers, and Hybrid's services (see FunctionsServices).
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddHybridFunctions(builder.Configuration, AppContext.BaseDirectory);
await builder.Build().RunAsync();
