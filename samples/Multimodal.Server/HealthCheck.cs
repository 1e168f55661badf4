namespace Multimodal.Server;

/// <summary>The container's health probe: GET /healthz of a running server, exit code 0 when it answers 200.</summary>
internal static class HealthCheck
{
    public static async Task<int> RunAsync(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await http.GetAsync(new Uri(url));
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            await Console.Error.WriteLineAsync($"healthcheck: {url}: {e.Message}");
            return 1;
        }
    }
}
