using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Multimodal.Sdk.Server.Tests;

/// <summary>The server library over <see cref="FakePipelines"/> on a loopback port: starts in milliseconds, so each test configures its own.</summary>
internal sealed class FakeServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeServer(WebApplication app, FakePipelines fakes, LogCapture logs)
    {
        _app = app;
        Fakes = fakes;
        Logs = logs;
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Http = new HttpClient { BaseAddress = new Uri(address) };
    }

    public FakePipelines Fakes { get; }

    public LogCapture Logs { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<FakeServer> StartAsync(Action<MultimodalServerOptions>? configure = null, FakePipelines? fakes = null, Action<WebApplicationBuilder>? build = null, Action<WebApplication>? map = null)
    {
        fakes ??= new FakePipelines();
        var logs = new LogCapture();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
        builder.Services.AddSingleton<IChatClient>(fakes).AddSingleton<IImageCaptioner>(fakes).AddSingleton<IVisualQa>(fakes)
            .AddSingleton<IClipEncoder>(fakes).AddSingleton<ISpeechRecognizer>(fakes);
        builder.Services.AddMultimodalServer(o =>
        {
            o.ChatModel = "fake-vlm";
            o.SpeechModel = "fake-whisper";
            o.EmbeddingModel = "fake-clip";
            o.CaptionModel = "fake-captioner";
            configure?.Invoke(o);
        });
        build?.Invoke(builder);
        var app = builder.Build();
        app.MapMultimodal();
        map?.Invoke(app);
        await app.StartAsync();
        return new FakeServer(app, fakes, logs);
    }

    public async Task WaitReadyAsync()
    {
        for (int i = 0; i < 200; i++)
        {
            if ((await Http.GetAsync("/readyz")).IsSuccessStatusCode)
            {
                return;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException("The server did not become ready.");
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json, CancellationToken cancellationToken = default) =>
        Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Helpers shared by the HTTP tests.</summary>
internal static class Http
{
    public static readonly string PngDataUri = "data:image/png;base64," + Convert.ToBase64String(File.ReadAllBytes(RepoPaths.Asset("large-blue-square.png")));

    public static MultipartFormDataContent Form(params (string Name, object Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            switch (value)
            {
                case byte[] bytes:
                    var file = new ByteArrayContent(bytes);
                    file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                    form.Add(file, name, name == "file" ? "audio.wav" : "image.png");
                    break;
                default:
                    form.Add(new StringContent(value.ToString()!), name);
                    break;
            }
        }

        return form;
    }

    /// <summary>Reads an OpenAI-shaped error and checks its status and code.</summary>
    public static async Task<JsonObject> AssertErrorAsync(HttpResponseMessage response, int status, string? code = null)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"Expected {status}, got {(int)response.StatusCode}: {body}");
        var error = JsonNode.Parse(body)!["error"]!.AsObject();
        Assert.False(string.IsNullOrEmpty((string?)error["message"]));
        Assert.NotNull((string?)error["type"]);
        Assert.True(error.ContainsKey("param") && error.ContainsKey("code"), body);
        if (code is not null)
        {
            Assert.Equal(code, (string?)error["code"]);
        }

        return error;
    }

    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>A 16 kHz mono 16-bit WAV of silence.</summary>
    public static byte[] SilentWav(double seconds)
    {
        int samples = (int)(16000 * seconds);
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write("RIFF"u8); w.Write(36 + (samples * 2)); w.Write("WAVE"u8);
        w.Write("fmt "u8); w.Write(16); w.Write((short)1); w.Write((short)1); w.Write(16000); w.Write(32000); w.Write((short)2); w.Write((short)16);
        w.Write("data"u8); w.Write(samples * 2); w.Write(new byte[samples * 2]);
        w.Flush();
        return ms.ToArray();
    }
}

/// <summary>Every log line the server writes, so a test can prove an API key never appears in one.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            lock (owner._lines)
            {
                owner._lines.Add($"{category} scope: {state}");
            }

            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner._lines)
            {
                owner._lines.Add($"{category} {logLevel}: {formatter(state, exception)} {exception}");
            }
        }
    }
}
