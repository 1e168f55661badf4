using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Multimodal.Sdk.Server.Tests;

/// <summary>Every error status the server answers, each provoked on purpose, each in OpenAI's error shape.</summary>
public class ErrorStatusTests
{
    private static string Chat(string model = "fake-vlm", string? image = null)
    {
        string imagePart = image is null ? "" : ",{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + image + "\"}}";
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}" + imagePart + "]}]}";
    }

    [Fact]
    public async Task MalformedJsonIs400()
    {
        await using var server = await ReadyServerAsync();
        var error = await Http.AssertErrorAsync(await server.PostJsonAsync("/v1/chat/completions", "{\"model\": "), 400, "invalid_json");
        Assert.Equal("invalid_request_error", (string?)error["type"]);
        await Http.AssertErrorAsync(await server.PostJsonAsync("/v1/embeddings", "[1,2]"), 400, "invalid_json");
    }

    [Fact]
    public async Task MissingOrWrongFieldsAre400NamingTheField()
    {
        await using var server = await ReadyServerAsync();
        var error = await Http.AssertErrorAsync(await server.PostJsonAsync("/v1/chat/completions", """{"model":"fake-vlm"}"""), 400, "missing_required_parameter");
        Assert.Equal("messages", (string?)error["param"]);
        error = await Http.AssertErrorAsync(await server.PostJsonAsync("/v1/chat/completions", """{"model":"fake-vlm","messages":[{"role":"user","content":"hi"}],"temperature":"hot"}"""), 400);
        Assert.Equal("temperature", (string?)error["param"]);
        error = await Http.AssertErrorAsync(await server.PostJsonAsync("/v1/chat/completions", """{"model":"fake-vlm","messages":[{"role":"user","content":"hi"}],"n":99}"""), 400);
        Assert.Equal("n", (string?)error["param"]);
        error = await Http.AssertErrorAsync(await server.PostJsonAsync("/v1/chat/completions", """{"model":"fake-vlm","messages":[{"role":"tool","content":"hi"}]}"""), 400);
        Assert.Equal("messages[0].role", (string?)error["param"]);
        error = await Http.AssertErrorAsync(await server.PostJsonAsync("/v1/embeddings", """{"model":"fake-clip","input":[[1,2,3]]}"""), 400);
        Assert.Equal("input", (string?)error["param"]);
        error = await Http.AssertErrorAsync(await server.PostJsonAsync("/v1/embeddings", """{"model":"fake-clip","input":"x","encoding_format":"int8"}"""), 400);
        Assert.Equal("encoding_format", (string?)error["param"]);
        await Http.AssertErrorAsync(await server.Http.PostAsync("/caption", Http.Form(("question", "no image"))), 400, "missing_required_parameter");
        await Http.AssertErrorAsync(await server.PostJsonAsync("/caption", "{}"), 400, "invalid_content_type");
        await Http.AssertErrorAsync(await server.Http.PostAsync("/v1/audio/transcriptions", Http.Form(("model", "fake-whisper"), ("file", Http.SilentWav(1)), ("response_format", "mp3"))), 400);
        await Http.AssertErrorAsync(await server.Http.PostAsync("/v1/audio/transcriptions", Http.Form(("model", "fake-whisper"), ("file", Http.SilentWav(1)), ("timestamp_granularities[]", "word"))), 400);
    }

    [Fact]
    public async Task BadImageDataUrisAre400AndRemoteUrlsNeedConfiguration()
    {
        await using var server = await ReadyServerAsync();
        await Http.AssertErrorAsync(await server.PostJsonAsync("/v1/chat/completions", Chat(image: "data:image/png;base64,%%%")), 400, "invalid_image_url");
        await Http.AssertErrorAsync(await server.PostJsonAsync("/v1/chat/completions", Chat(image: "data:text/plain;base64,aGk=")), 400, "invalid_image_url");
        await Http.AssertErrorAsync(await server.PostJsonAsync("/v1/chat/completions", Chat(image: "ftp://example.com/a.png")), 400, "invalid_image_url");
        var error = await Http.AssertErrorAsync(await server.PostJsonAsync("/v1/chat/completions", Chat(image: "http://127.0.0.1:9/a.png")), 400, "remote_images_disabled");
        Assert.Equal("messages[0].content[1].image_url.url", (string?)error["param"]);
    }

    [Fact]
    public async Task UndecodableAudioIs400()
    {
        await using var server = await ReadyServerAsync();
        var form = Http.Form(("model", "fake-whisper"), ("file", Encoding.ASCII.GetBytes("RIFF....WAVEnot really a wav file at all")));
        await Http.AssertErrorAsync(await server.Http.PostAsync("/v1/audio/transcriptions", form), 400, "invalid_input");
    }

    [Fact]
    public async Task PipelineArgumentAndDecodeErrorsAre400()
    {
        await using var server = await ReadyServerAsync();
        server.Fakes.Failure = new InputDecodeException("The image is not a PNG, JPEG, WebP, BMP or GIF.");
        await Http.AssertErrorAsync(await server.Http.PostAsync("/caption", Http.Form(("image", new byte[] { 1, 2, 3 }))), 400, "invalid_input");
        server.Fakes.Failure = new ArgumentOutOfRangeException("options", "max_new_tokens is too large");
        await Http.AssertErrorAsync(await server.PostJsonAsync("/v1/chat/completions", Chat()), 400);
    }

    [Fact]
    public async Task MissingOrWrongApiKeyIs401AndTheKeyIsNeverLogged()
    {
        const string Key = "sk-test-7f3a9c-secret";
        await using var server = await ReadyServerAsync(o => o.ApiKeys = [Key]);
        var response = await server.PostJsonAsync("/v1/chat/completions", Chat());
        await Http.AssertErrorAsync(response, 401, "invalid_api_key");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);

        var wrong = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(Chat(), Encoding.UTF8, "application/json") };
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key + "x");
        await Http.AssertErrorAsync(await server.Http.SendAsync(wrong), 401, "invalid_api_key");
        await Http.AssertErrorAsync(await server.Http.GetAsync("/v1/models"), 401, "invalid_api_key");

        server.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        Assert.Equal(HttpStatusCode.OK, (await server.PostJsonAsync("/v1/chat/completions", Chat())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/v1/models")).StatusCode);

        // The page and the probes stay open: a browser loads the page, then sends the key the user types.
        server.Http.DefaultRequestHeaders.Authorization = null;
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/healthz")).StatusCode);

        Assert.NotEmpty(server.Logs.Lines);
        Assert.DoesNotContain(server.Logs.Lines, l => l.Contains("7f3a9c", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnknownModelIs404AndAliasesAreAccepted()
    {
        await using var server = await ReadyServerAsync(o => o.ModelAliases["whisper-1"] = "fake-whisper");
        var error = await Http.AssertErrorAsync(await server.PostJsonAsync("/v1/chat/completions", Chat("gpt-4o")), 404, "model_not_found");
        Assert.Equal("model", (string?)error["param"]);
        await Http.AssertErrorAsync(await server.PostJsonAsync("/v1/embeddings", """{"model":"text-embedding-3-small","input":"x"}"""), 404, "model_not_found");
        await Http.AssertErrorAsync(await server.Http.PostAsync("/v1/audio/transcriptions", Http.Form(("model", "whisper-2"), ("file", Http.SilentWav(1)))), 404, "model_not_found");
        await Http.AssertErrorAsync(await server.Http.GetAsync("/v1/models/gpt-4o"), 404, "model_not_found");
        await Http.AssertErrorAsync(await server.Http.PostAsync("/caption", Http.Form(("image", new byte[] { 1 }), ("model", "blip"))), 404, "model_not_found");
        Assert.Equal(HttpStatusCode.OK, (await server.Http.PostAsync("/v1/audio/transcriptions", Http.Form(("model", "whisper-1"), ("file", Http.SilentWav(1))))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/v1/models/fake-vlm")).StatusCode);
    }

    [Fact]
    public async Task SearchWithoutAnIndexIs404()
    {
        await using var server = await ReadyServerAsync();
        await Http.AssertErrorAsync(await server.PostJsonAsync("/search", """{"query":"a cat"}"""), 404, "search_not_configured");
    }

    [Fact]
    public async Task OversizedBodiesAre413WithOrWithoutContentLength()
    {
        await using var server = await ReadyServerAsync(o => o.MaxRequestBodyBytes = 4096);
        var big = new string('x', 10_000);
        var error = await Http.AssertErrorAsync(await server.PostJsonAsync("/v1/embeddings", $$"""{"model":"fake-clip","input":"{{big}}"}"""), 413, "request_too_large");
        Assert.Contains("4096", (string?)error["message"], StringComparison.Ordinal);

        // Chunked: no Content-Length to check up front, so Kestrel's body limit stops the read.
        var chunked = new HttpRequestMessage(HttpMethod.Post, "/v1/audio/transcriptions") { Content = Http.Form(("model", "fake-whisper"), ("file", Http.SilentWav(2))) };
        chunked.Headers.TransferEncodingChunked = true;
        await Http.AssertErrorAsync(await server.Http.SendAsync(chunked), 413, "request_too_large");

        server.Fakes.Failure = new InputTooLargeException("The image claims 100000x100000 pixels.", 10_000_000_000, 67_108_864);
        await Http.AssertErrorAsync(await server.Http.PostAsync("/caption", Http.Form(("image", new byte[] { 1 }))), 413, "input_too_large");
    }

    [Fact]
    public async Task RequestsBeyondThePipelinesQueueAre503WithRetryAfter()
    {
        var gate = new TaskCompletionSource();
        await using var server = await ReadyServerAsync(o => { o.MaxConcurrentRequests = 1; o.MaxQueuedRequests = 0; });
        server.Fakes.Gate = gate.Task;
        int warmUpCalls = Volatile.Read(ref server.Fakes.Calls); // counted, not assumed: CLIP's warm-up alone makes two
        var first = server.PostJsonAsync("/v1/chat/completions", Chat());
        while (Volatile.Read(ref server.Fakes.Calls) == warmUpCalls)
        {
            await Task.Delay(10); // until the first request holds the only slot
        }

        var response = await server.PostJsonAsync("/v1/chat/completions", Chat());
        var error = await Http.AssertErrorAsync(response, 503, "server_overloaded");
        Assert.Equal("server_error", (string?)error["type"]);
        Assert.NotNull(response.Headers.RetryAfter);

        gate.SetResult();
        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.PostJsonAsync("/v1/chat/completions", Chat())).StatusCode);
    }

    [Fact]
    public async Task ModelEndpointsAre503UntilTheWarmUpHasFinished()
    {
        var warmup = new TaskCompletionSource();
        await using var server = await FakeServer.StartAsync(fakes: new FakePipelines { Gate = warmup.Task });
        var response = await server.PostJsonAsync("/v1/chat/completions", Chat());
        var error = await Http.AssertErrorAsync(response, 503, "model_not_ready");
        Assert.Equal("server_error", (string?)error["type"]);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await server.Http.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/v1/models")).StatusCode);

        warmup.SetResult();
        await server.WaitReadyAsync();
        Assert.Equal(HttpStatusCode.OK, (await server.PostJsonAsync("/v1/chat/completions", Chat())).StatusCode);
    }

    [Fact]
    public async Task AFailedWarmUpKeepsTheServerUnreadyWithTheReason()
    {
        await using var server = await FakeServer.StartAsync(fakes: new FakePipelines { Failure = new ModelNotFoundException("/models/x", "model.onnx", "model.onnx is missing") });
        for (int i = 0; i < 200 && !(await (await server.Http.GetAsync("/readyz")).Content.ReadAsStringAsync()).Contains("failed", StringComparison.Ordinal); i++)
        {
            await Task.Delay(20);
        }

        var error = await Http.AssertErrorAsync(await server.PostJsonAsync("/v1/chat/completions", Chat()), 503, "model_not_ready");
        Assert.Contains("model.onnx is missing", (string?)error["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnexpectedFailuresAre500WithoutInternals()
    {
        await using var server = await ReadyServerAsync();
        server.Fakes.Failure = new InvalidOperationException("secret internal state");
        var error = await Http.AssertErrorAsync(await server.PostJsonAsync("/v1/chat/completions", Chat()), 500);
        Assert.Equal("server_error", (string?)error["type"]);
        Assert.DoesNotContain("secret", (string?)error["message"], StringComparison.Ordinal);
        Assert.Contains(server.Logs.Lines, l => l.Contains("secret internal state", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFailureAfterTheStreamStartedEndsWithAnErrorEvent()
    {
        await using var server = await ReadyServerAsync(build: b => b.Services.AddSingleton<IChatClient>(new FailingStreamChat()));
        var response = await server.PostJsonAsync("/v1/chat/completions", """{"model":"fake-vlm","stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"content\":\"partial\"", body, StringComparison.Ordinal);
        Assert.Contains("data: {\"error\":{", body, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", body, StringComparison.Ordinal);
    }

    private static async Task<FakeServer> ReadyServerAsync(Action<MultimodalServerOptions>? configure = null, Action<WebApplicationBuilder>? build = null)
    {
        var server = await FakeServer.StartAsync(configure, build: build);
        await server.WaitReadyAsync();
        return server;
    }

    private sealed class FailingStreamChat : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, "partial");
            throw new InvalidOperationException("the decoder broke");
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
