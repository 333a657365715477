using System.Text;
using Hybrid.Identity.Policy;
using Hybrid.Identity.Tokens;
using Microsoft.Extensions.Configuration;

namespace Hybrid.Identity.Tests.Policy;

public sealed class AccessPolicyEvaluatorTests
{
    private const string PolicyJson = """
        {
          "Identity": {
            "Policy": {
              "Rules": [
                { "Name": "admins-everything", "Workflows": ["*"], "Actions": ["Start", "Read", "Stop"], "Groups": ["admins"] },
                { "Name": "billing-operators", "Workflows": ["billing-*"], "Actions": ["Start", "Read"], "Groups": ["operators"] },
                { "Name": "readers", "Workflows": ["*"], "Actions": ["Read"], "Scopes": ["workflows:read"] },
                { "Name": "no-payroll-for-contractors", "Workflows": ["payroll"], "Actions": ["Start", "Stop"], "Groups": ["contractors"], "Effect": "Deny" }
              ]
            }
          }
        }
        """;

    private readonly AccessPolicyEvaluator _policy = new(Bind(PolicyJson));

    [Fact]
    public void Evaluate_AdminGroup_AllowsAnyWorkflowNamingTheRule()
    {
        var decision = _policy.Evaluate(Principal(groups: ["admins"]), WorkflowAction.Stop, "payroll");

        Assert.True(decision.IsAllowed);
        Assert.Equal("admins-everything", decision.Rule);
        Assert.Equal("rule 'admins-everything' allows stopping 'payroll' to group 'admins'", decision.Reason);
    }

    [Theory]
    [InlineData("billing-monthly", WorkflowAction.Start, true)]
    [InlineData("billing-monthly", WorkflowAction.Read, true)]
    [InlineData("billing-monthly", WorkflowAction.Stop, false)]
    [InlineData("billing", WorkflowAction.Start, false)]
    [InlineData("shipping", WorkflowAction.Start, false)]
    public void Evaluate_WildcardRule_MatchesByNameAndAction(string workflow, WorkflowAction action, bool allowed)
    {
        var decision = _policy.Evaluate(Principal(groups: ["operators"]), action, workflow);

        Assert.Equal(allowed, decision.IsAllowed);
    }

    [Fact]
    public void Evaluate_ScopeRule_AllowsReadOnly()
    {
        var principal = Principal(scopes: ["workflows:read"]);

        var read = _policy.Evaluate(principal, WorkflowAction.Read, "anything");
        var start = _policy.Evaluate(principal, WorkflowAction.Start, "anything");

        Assert.True(read.IsAllowed);
        Assert.Equal("rule 'readers' allows reading 'anything' to scope 'workflows:read'", read.Reason);
        Assert.False(start.IsAllowed);
        Assert.Null(start.Rule);
        Assert.Equal("no rule allows starting 'anything' to subject 'alice' (groups: none; scopes: workflows:read)", start.Reason);
    }

    [Fact]
    public void Evaluate_DenyRule_WinsOverAllow()
    {
        var decision = _policy.Evaluate(Principal(groups: ["admins", "contractors"]), WorkflowAction.Start, "payroll");

        Assert.False(decision.IsAllowed);
        Assert.Equal("no-payroll-for-contractors", decision.Rule);
        Assert.Equal("rule 'no-payroll-for-contractors' denies starting 'payroll' to group 'contractors'", decision.Reason);
    }

    [Fact]
    public void Evaluate_EmptyPolicy_DeniesEverything()
    {
        var decision = new AccessPolicyEvaluator(new AccessPolicyOptions()).Evaluate(Principal(groups: ["admins"]), WorkflowAction.Read, "x");

        Assert.False(decision.IsAllowed);
    }

    [Fact]
    public void Constructor_RuleWithoutGroupsOrScopes_IsRefused()
    {
        var options = new AccessPolicyOptions { Rules = [new AccessRule { Name = "open", Workflows = ["*"], Actions = [WorkflowAction.Start] }] };

        var error = Assert.Throws<InvalidOperationException>(() => new AccessPolicyEvaluator(options));

        Assert.Contains("would match nobody", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_DuplicateNames_AreRefused()
    {
        var rule = new AccessRule { Name = "a", Workflows = ["*"], Actions = [WorkflowAction.Read], Groups = ["g"] };

        Assert.Throws<InvalidOperationException>(() => new AccessPolicyEvaluator(new AccessPolicyOptions { Rules = [rule, rule] }));
    }

    [Theory]
    [InlineData("*", "anything", true)]
    [InlineData("*", "", true)]
    [InlineData("a*c", "abbbc", true)]
    [InlineData("a*c", "abbbd", false)]
    [InlineData("*-prod", "billing-prod", true)]
    [InlineData("*-prod", "billing-production", false)]
    [InlineData("Billing", "billing", false)]
    [InlineData("a**b", "ab", true)]
    public void GlobMatches_Patterns_MatchAsDocumented(string pattern, string value, bool expected)
    {
        Assert.Equal(expected, AccessPolicyEvaluator.GlobMatches(pattern, value));
    }

    private static AccessPolicyOptions Bind(string json)
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        return configuration.GetSection("Identity:Policy").Get<AccessPolicyOptions>() ?? throw new InvalidOperationException("no policy");
    }

    [Fact]
    public void EvaluateAny_SomeWorkflowAllowed_AllowsAndSaysOnlyThoseAreShown()
    {
        var decision = _policy.EvaluateAny(Principal(groups: ["operators"]), WorkflowAction.Read);

        Assert.True(decision.IsAllowed);
        Assert.Equal("billing-operators", decision.Rule);
        Assert.Equal("rule 'billing-operators' allows reading some workflows to group 'operators'; only those are shown", decision.Reason);
    }

    [Fact]
    public void EvaluateAny_NoRuleForTheAction_Denies()
    {
        var decision = _policy.EvaluateAny(Principal(groups: ["operators"]), WorkflowAction.Stop);

        Assert.False(decision.IsAllowed);
        Assert.Null(decision.Rule);
        Assert.StartsWith("no rule allows stopping any workflow to subject 'alice'", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_CallbackAction_IsItsOwnAction()
    {
        var policy = new AccessPolicyEvaluator(Bind("""
            { "Identity": { "Policy": { "Rules": [
              { "Name": "approvers", "Workflows": ["approval"], "Actions": ["Callback"], "Groups": ["approvers"] } ] } } }
            """));

        var callback = policy.Evaluate(Principal(groups: ["approvers"]), WorkflowAction.Callback, "approval");
        var start = policy.Evaluate(Principal(groups: ["approvers"]), WorkflowAction.Start, "approval");

        Assert.True(callback.IsAllowed);
        Assert.Equal("rule 'approvers' allows sending task results to 'approval' to group 'approvers'", callback.Reason);
        Assert.False(start.IsAllowed);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:01:00")]
    [InlineData("8.00:00:00")]
    public void ReauthenticationOptions_WaitOutOfBounds_IsRefused(string wait)
    {
        var options = new ReauthenticationOptions { Workflows = ["*"], Wait = TimeSpan.Parse(wait, System.Globalization.CultureInfo.InvariantCulture) };

        Assert.Contains("Identity:Reauthentication:Wait", Assert.Throws<InvalidOperationException>(() => options.Validated()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReauthenticationOptions_WaitFor_MatchesWorkflowGlobs()
    {
        var options = new ReauthenticationOptions { Workflows = ["long-*"], Wait = TimeSpan.FromMinutes(5) }.Validated();

        Assert.Equal(TimeSpan.FromMinutes(5), options.WaitFor("long-report"));
        Assert.Null(options.WaitFor("short"));
        Assert.Null(new ReauthenticationOptions().WaitFor("anything"));
    }

    private static ValidatedPrincipal Principal(string[]? groups = null, string[]? scopes = null) => new()
    {
        Subject = "alice",
        Issuer = "https://sso.example.com",
        Groups = groups ?? [],
        Scopes = scopes ?? [],
        ExpiresAt = DateTimeOffset.UnixEpoch.AddYears(60),
        Kind = TokenKind.Jwt,
    };
}
