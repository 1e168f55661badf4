using System.Net;

namespace Multimodal.Sdk.Server.Tests;

/// <summary>The sample server's telemetry on the real tiny models: Prometheus scrapes /metrics with the serving instruments.</summary>
[Collection(RealServerCollection.Name)]
public class MetricsEndpointTests(RealServer server)
{
    [Fact]
    public async Task PrometheusScrapeShowsRequestsBatchesAndModelLoadTimes()
    {
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/readyz")).StatusCode);
        var embed = await server.Http.PostAsync("/v1/embeddings", new StringContent("""{"model":"tiny-clip","input":["a red circle","a blue square"]}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, embed.StatusCode);

        string text = "";
        for (int attempt = 0; attempt < 20 && !text.Contains("multimodal_server_requests", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(attempt == 0 ? 0 : 500); // the exporter caches a scrape briefly
            text = await server.Http.GetStringAsync("/metrics");
        }

        Assert.Contains("multimodal_server_requests", text);
        Assert.Contains("http_route=\"/v1/embeddings\"", text);
        Assert.Contains("multimodal_server_request_duration_seconds_bucket", text);
        Assert.Contains("multimodal_batch_size", text);
        Assert.Contains("multimodal_model_load_duration_seconds", text);
        Assert.Contains("gen_ai_client_operation_duration_seconds", text);
    }
}
