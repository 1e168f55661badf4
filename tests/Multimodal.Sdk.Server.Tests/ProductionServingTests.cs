using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Multimodal.Sdk.Server.Tests;

/// <summary>Issue 22's limits and back-pressure over the fake pipelines: rate limits, timeouts, disconnects, overload, abusive uploads, metrics and logs.</summary>
public class ProductionServingTests
{
    private const string Embeddings = """{"model":"fake-clip","input":"x"}""";

    [Fact]
    public async Task EachApiKeyHasItsOwnRateLimit429WithRetryAfter()
    {
        await using var server = await ReadyAsync(o => { o.ApiKeys = ["key-one", "key-two"]; o.RateLimitPerMinute = 2; });
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(server, "key-one")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(server, "key-one")).StatusCode);
        var limited = await PostAsync(server, "key-one");
        await Http.AssertErrorAsync(limited, 429, "rate_limit_exceeded");
        Assert.NotNull(limited.Headers.RetryAfter);

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(server, "key-two")).StatusCode); // another key is not held back
        Assert.DoesNotContain(server.Logs.Lines, l => l.Contains("key-one", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARequestOverTheTimeoutIs504AndItsModelCallIsCancelled()
    {
        await using var server = await ReadyAsync(o => o.RequestTimeout = TimeSpan.FromMilliseconds(300));
        server.Fakes.Gate = new TaskCompletionSource().Task; // the model never finishes by itself
        var response = await server.PostJsonAsync("/v1/embeddings", Embeddings);
        await Http.AssertErrorAsync(response, 504, "request_timeout");
        Assert.Equal(1, Volatile.Read(ref server.Fakes.CancelledCalls));
    }

    [Fact]
    public async Task AClientThatDisconnectsCancelsItsModelCall()
    {
        await using var server = await ReadyAsync(o => o.RequestTimeout = TimeSpan.Zero);
        server.Fakes.Gate = new TaskCompletionSource().Task;
        int before = Volatile.Read(ref server.Fakes.Calls);
        using var abort = new CancellationTokenSource();
        var request = server.PostJsonAsync("/v1/embeddings", Embeddings, abort.Token);
        await WaitUntilAsync(() => Volatile.Read(ref server.Fakes.Calls) > before, "the model call did not start");
        Assert.Equal(0, Volatile.Read(ref server.Fakes.CancelledCalls));

        await abort.CancelAsync(); // HttpClient closes the connection
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        await WaitUntilAsync(() => Volatile.Read(ref server.Fakes.CancelledCalls) == 1, "the model call went on after the client left");
    }

    [Fact]
    public async Task AFullBatchQueueIs503WithItsRetryAfter()
    {
        await using var server = await ReadyAsync();
        server.Fakes.Failure = new PipelineBusyException("The clip.image pipeline's batch queue is full.", TimeSpan.FromSeconds(3));
        var response = await server.PostJsonAsync("/v1/embeddings", Embeddings);
        await Http.AssertErrorAsync(response, 503, "server_overloaded");
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task OversizedUploadsAreRejectedWhileOtherClientsAreServed()
    {
        await using var server = await ReadyAsync(o => o.MaxRequestBodyBytes = 4096);
        var normal = Enumerable.Range(0, 4).Select(_ => server.PostJsonAsync("/v1/embeddings", Embeddings)).ToList();

        // Declared too large: refused before the body is read.
        await Http.AssertErrorAsync(await server.Http.PostAsync("/caption", Http.Form(("image", new byte[64 * 1024]))), 413, "request_too_large");

        // Chunked, so no length is declared: refused once the body passes the limit.
        var chunked = new StreamContent(new MemoryStream(new byte[64 * 1024]));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/embeddings") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        await Http.AssertErrorAsync(await server.Http.SendAsync(request), 413, "request_too_large");

        foreach (var response in await Task.WhenAll(normal))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await server.PostJsonAsync("/v1/embeddings", Embeddings)).StatusCode);
    }

    [Fact]
    public async Task SlowLorisConnectionsAreCutOffWhileOtherClientsAreServed()
    {
        // The limits a deployment sets on Kestrel (docs/server.md), shortened for the test.
        await using var server = await ReadyAsync(build: b => b.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(1);
            k.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 1024, gracePeriod: TimeSpan.FromSeconds(2));
        }));
        var address = server.Http.BaseAddress!;
        var watch = Stopwatch.StartNew();
        var headers = SlowClientAsync(address, "POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Slow: ", "abcdefghijklmnopqrstuvwxyz");
        var body = SlowClientAsync(address, "POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"model\":\"fake-clip\",\"input\":\"", new string('x', 200));

        // Meanwhile everyone else is served.
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await server.PostJsonAsync("/v1/embeddings", Embeddings)).StatusCode);
        }

        Assert.True(await headers, "the server kept a connection that trickles its headers");
        Assert.True(await body, "the server kept a connection that trickles its body");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"cut off after {watch.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task LogsCarryNoImageContentPromptsOrApiKeys()
    {
        const string Key = "sk-very-secret-4242";
        await using var server = await ReadyAsync(o => o.ApiKeys = [Key], build: b =>
        {
            b.Services.AddSingleton<IClipEncoder>(sp => new LoggingClipEncoder(sp.GetRequiredService<FakePipelines>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("clip")));
            b.Services.AddSingleton<IImageCaptioner>(sp => new LoggingImageCaptioner(sp.GetRequiredService<FakePipelines>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("captioner")));
        });
        server.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        string base64 = Http.PngDataUri["data:image/png;base64,".Length..];
        Assert.Equal(HttpStatusCode.OK, (await server.PostJsonAsync("/v1/embeddings", "{\"model\":\"fake-clip\",\"input\":[\"" + Http.PngDataUri + "\",\"a secret prompt\"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.PostAsync("/caption", Http.Form(("image", Convert.FromBase64String(base64))))).StatusCode);
        server.Fakes.Failure = new InvalidOperationException("boom");
        Assert.Equal(HttpStatusCode.InternalServerError, (await server.PostJsonAsync("/v1/embeddings", "{\"model\":\"fake-clip\",\"input\":\"a secret prompt\"}")).StatusCode);

        var lines = server.Logs.Lines;
        Assert.Contains(lines, l => l.StartsWith("clip ", StringComparison.Ordinal)); // the middleware did log the calls
        Assert.DoesNotContain(lines, l => l.Contains(Key, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(base64[..32], StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("a secret prompt", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RequestsAreCountedByRouteModelAndStatus()
    {
        var seen = new ConcurrentQueue<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Multimodal.Sdk.Server")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => seen.Enqueue($"{instrument.Name} {Describe(tags)} {value}"));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => seen.Enqueue($"{instrument.Name} {Describe(tags)}"));
        listener.Start();

        await using var server = await ReadyAsync(o => o.EmbeddingModel = "metrics-clip");
        Assert.Equal(HttpStatusCode.OK, (await server.PostJsonAsync("/v1/embeddings", """{"model":"metrics-clip","input":"x"}""")).StatusCode);
        await Http.AssertErrorAsync(await server.PostJsonAsync("/v1/embeddings", """{"model":"metrics-clip"}"""), 400);
        listener.RecordObservableInstruments();

        Assert.Contains("multimodal.server.requests /v1/embeddings metrics-clip 200 1", seen);
        Assert.Contains("multimodal.server.requests /v1/embeddings metrics-clip 400 1", seen);
        Assert.Contains("multimodal.server.request.duration /v1/embeddings metrics-clip 200", seen);
        Assert.Contains(seen, s => s.StartsWith("multimodal.server.queue.depth clip", StringComparison.Ordinal));
    }

    [Fact]
    public async Task QueueDepthIsObservableWhileTheGateIsDisposed()
    {
        // A MeterListener sees every gate's meter by name, so one test host's listener can observe another host's gate
        // while that host shuts down (CI saw ObjectDisposedException from a disposed ConcurrencyLimiter this way).
        var readiness = new ServerReadiness();
        readiness.MarkReady();
        var gate = new ServerGate(
            new StaticOptionsMonitor<MultimodalServerOptions>(new MultimodalServerOptions()),
            readiness,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ServerGate>.Instance);
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        await gate.RunAsync(context, _ => Task.CompletedTask, "clip", "/v1/embeddings");
        Assert.Single(gate.QueueDepths());

        gate.Dispose();

        Assert.Empty(gate.QueueDepths());
    }

    private sealed class StaticOptionsMonitor<T>(T value) : Microsoft.Extensions.Options.IOptionsMonitor<T>
    {
        public T CurrentValue => value;

        public T Get(string? name) => value;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }

    private static string Describe(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var parts = new List<string>();
        foreach (var tag in tags)
        {
            parts.Add(Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
        }

        return string.Join(' ', parts);
    }

    /// <summary>Sends <paramref name="start"/>, then one character of <paramref name="trickle"/> every 200 ms; true when the server closes the connection first.</summary>
    private static async Task<bool> SlowClientAsync(Uri address, string start, string trickle)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(start));
        var read = ReadToEndAsync(stream);
        foreach (char c in trickle)
        {
            if (read.IsCompleted)
            {
                return true;
            }

            try
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(c.ToString()));
            }
            catch (IOException)
            {
                return true; // reset by the server
            }

            await Task.Delay(200);
        }

        return read.IsCompleted;
    }

    private static async Task ReadToEndAsync(NetworkStream stream)
    {
        var buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer) > 0)
            {
            }
        }
        catch (IOException)
        {
            // Reset by the server: closed all the same.
        }
    }

    private static Task<HttpResponseMessage> PostAsync(FakeServer server, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/embeddings") { Content = new StringContent(Embeddings, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return server.Http.SendAsync(request);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string message)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), message);
            await Task.Delay(20);
        }
    }

    private static async Task<FakeServer> ReadyAsync(Action<MultimodalServerOptions>? configure = null, Action<WebApplicationBuilder>? build = null)
    {
        var server = await FakeServer.StartAsync(configure, build: b =>
        {
            b.Services.AddSingleton(sp => (FakePipelines)sp.GetRequiredService<IChatClient>());
            build?.Invoke(b);
        });
        await server.WaitReadyAsync();
        return server;
    }
}
