using System.Text.Json.Nodes;
using Hybrid.Api.Tests.Contract;

namespace Hybrid.Api.Tests;

/// <summary>The shared contract table (<see cref="ApiContract"/>) through the local host's routes, over real HTTP.</summary>
public sealed class ContractTests(ApiHost host) : ApiTestBase(host)
{
    [Theory]
    [MemberData(nameof(ApiContract.Names), MemberType = typeof(ApiContract))]
    public async Task LocalHostRoutes_AnswerTheContract(string name)
    {
        var contractCase = ApiContract.Find(name);
        ApiContract.Arrange(contractCase, Fake, Host.Authorizer);

        using var response = contractCase.Method == "GET"
            ? await Client.GetAsync(contractCase.Path)
            : await Host.PostJsonAsync(contractCase.Path, contractCase.Body);

        var text = await response.Content.ReadAsStringAsync();
        var answer = new ApiContractAnswer(
            (int)response.StatusCode,
            response.Content.Headers.ContentType?.MediaType,
            text.Length == 0 ? null : JsonNode.Parse(text),
            response.Headers.Location?.OriginalString,
            response.Headers.WwwAuthenticate.Count == 0 ? null : response.Headers.WwwAuthenticate.ToString());
        ApiContract.AssertAnswer(contractCase, answer, Host.BaseAddress.GetLeftPart(UriPartial.Authority), Fake);
    }
}
