using System.CommandLine;
using Hybrid.Identity.Development;

namespace Hybrid.Cli.Commands;

/// <summary>
/// <c>hybrid token --sub alice [--groups admins,ops] [--scopes ...] [--lifetime 60] [--audience ...] [--key-folder ...]</c>:
/// mints an <c>at+jwt</c> access token from the local development issuer, in the spirit of <c>dotnet user-jwts</c>.
/// Only a host running in Development trusts that issuer.
/// </summary>
internal static class TokenCommand
{
    public static Command Create(CliConsole console)
    {
        var subject = new Option<string>("--sub") { Description = "The token's subject (sub).", Required = true };
        var groups = new Option<string[]>("--groups") { Description = "Groups, comma-separated or repeated.", AllowMultipleArgumentsPerToken = true };
        var scopes = new Option<string[]>("--scopes") { Description = "Scopes, comma-separated or repeated.", AllowMultipleArgumentsPerToken = true };
        var lifetime = new Option<int>("--lifetime") { Description = "Lifetime in minutes (1 to 1440; default 60).", DefaultValueFactory = _ => 60 };
        var audience = new Option<string?>("--audience") { Description = $"Audience (default {DevelopmentIssuer.DefaultAudience})." };
        var folder = new Option<string?>("--key-folder") { Description = "Where the development signing key is kept (default ~/.hybrid/dev-identity)." };
        var command = new Command("token", "Mints an access token from the local development issuer (Development hosts only trust it).")
        {
            subject, groups, scopes, lifetime, audience, folder,
        };
        command.SetAction(parse =>
        {
            var minutes = parse.GetValue(lifetime);
            if (minutes is < 1 or > 1440)
            {
                console.Error.WriteLine($"hybrid: --lifetime must be 1 to 1440 minutes, not {minutes}.");
                return ExitCodes.BadInput;
            }

            var sub = parse.GetValue(subject)!;
            if (string.IsNullOrWhiteSpace(sub))
            {
                console.Error.WriteLine("hybrid: --sub must not be empty.");
                return ExitCodes.BadInput;
            }

            try
            {
                var issuer = DevelopmentIssuer.LoadOrCreate(parse.GetValue(folder));
                console.Out.WriteLine(issuer.Mint(new DevelopmentTokenRequest
                {
                    Subject = sub,
                    Groups = Split(parse.GetValue(groups)),
                    Scopes = Split(parse.GetValue(scopes)),
                    Lifetime = TimeSpan.FromMinutes(minutes),
                    Audience = parse.GetValue(audience),
                }));
                return ExitCodes.Success;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                console.Error.WriteLine($"hybrid: cannot use the development key folder: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    private static string[] Split(string[]? values) =>
        values is null ? [] : [.. values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
}
