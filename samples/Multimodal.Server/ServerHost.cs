using Microsoft.AspNetCore.Server.Kestrel.Core;
using Multimodal.Sdk;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Multimodal.Server;

/// <summary>
/// Composes the server: the pipelines named in configuration (or the bundled tiny models), the endpoints and the
/// playground. Public so the tests host exactly this application on a loopback port.
/// </summary>
public static class ServerHost
{
    /// <summary>Builds the application; <paramref name="configure"/> lets a test change services or configuration before it is built.</summary>
    /// <param name="args">Command-line arguments (<c>--urls</c>, <c>--Server:ApiKeys:0=...</c>).</param>
    /// <param name="configure">Runs after the default registrations and before <c>Build()</c>.</param>
    /// <returns>The application, not yet started.</returns>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // appsettings.json is read from beside the program, so the server runs from any folder.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var config = builder.Configuration;
        string chat = ModelFolder(config["Models:Chat"], "tiny-vlm");
        string captioner = ModelFolder(config["Models:Captioner"], "tiny-captioner");
        string clip = ModelFolder(config["Models:Clip"], "tiny-clip");
        string speech = ModelFolder(config["Models:Speech"], "tiny-whisper");

        // Serving: micro-batching of CLIP and captions (Serving:Batching, on by default), an embedding cache by content
        // hash (Serving:CacheEntries, 0 = off), and traces and metrics on every pipeline.
        var serving = config.GetSection("Serving");
        bool batching = serving.GetValue("Batching", true);
        int cacheEntries = serving.GetValue("CacheEntries", 0);
        var clipBatching = serving.GetSection("Clip").Get<BatchingOptions>() ?? new BatchingOptions();
        var captionBatching = serving.GetSection("Captioner").Get<BatchingOptions>() ?? new BatchingOptions { MaxBatchSize = 8 };
        var vqaBatching = serving.GetSection("Vqa").Get<BatchingOptions>() ?? new BatchingOptions { MaxBatchSize = 8 };
        var speechBatching = serving.GetSection("Speech").Get<BatchingOptions>() ?? new BatchingOptions { MaxBatchSize = 8 };

        var multimodal = builder.Services.AddMultimodal(config.GetSection("Multimodal")).UseCpu();
        multimodal.AddVisionChat(chat);                                                     // POST /v1/chat/completions
        var answering = multimodal.AddVisualQa(chat).UseOpenTelemetry();                   // POST /vqa
        var captioning = multimodal.AddImageCaptioner(captioner).UseOpenTelemetry();         // POST /caption
        var embedding = multimodal.AddClip(clip).UseOpenTelemetry();                         // POST /v1/embeddings, /classify, /search
        var recognizing = multimodal.AddSpeechRecognizer(speech).UseOpenTelemetry();        // POST /v1/audio/*
        if (cacheEntries > 0)
        {
            embedding.UseCaching(cacheEntries);
        }

        if (batching)
        {
            embedding.UseBatching(clipBatching);
            captioning.UseBatching(captionBatching);
            answering.UseBatching(vqaBatching);      // the vision encoder of concurrent questions' images
            recognizing.UseBatching(speechBatching); // the audio encoder of concurrent 30 s windows
        }

        // Prometheus scrapes GET /metrics; OTLP export (traces and metrics) starts when OTEL_EXPORTER_OTLP_ENDPOINT or
        // OpenTelemetry:OtlpEndpoint names a collector.
        var otel = builder.Services.AddOpenTelemetry()
            .WithMetrics(m => m.AddMeter("Multimodal.Sdk", "Multimodal.Sdk.Server", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel").AddPrometheusExporter())
            .WithTracing(t => t.AddSource("Multimodal.Sdk"));
        string? otlp = config["OpenTelemetry:OtlpEndpoint"] is { Length: > 0 } configured ? configured : config["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (!string.IsNullOrWhiteSpace(otlp))
        {
            otel.UseOtlpExporter(OpenTelemetry.Exporter.OtlpExportProtocol.Grpc, new Uri(otlp));
        }

        // Slow clients cannot hold connections: headers within 10 s, bodies at 1 KB/s or faster after 5 s.
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.RequestHeadersTimeout = serving.GetValue("RequestHeadersTimeout", TimeSpan.FromSeconds(10));
            k.Limits.MinRequestBodyDataRate = new MinDataRate(serving.GetValue("MinRequestBodyBytesPerSecond", 1024.0), TimeSpan.FromSeconds(5));
        });

        var server = config.GetSection("Server");
        builder.Services.AddMultimodalServer(server);
        builder.Services.PostConfigure<MultimodalServerOptions>(o =>
        {
            // Clients name a model by its folder unless configuration names it otherwise.
            o.ChatModel = server["ChatModel"] ?? Path.GetFileName(chat);
            o.CaptionModel = server["CaptionModel"] ?? Path.GetFileName(captioner);
            o.EmbeddingModel = server["EmbeddingModel"] ?? Path.GetFileName(clip);
            o.SpeechModel = server["SpeechModel"] ?? Path.GetFileName(speech);
        });

        // Search:Index names a folder built with `mm index add --index DIR ...`: /search ranks its images, texts and audio
        // transcripts (opened read-only, so mm can keep adding while the server reads). Without it, the bundled images.
        // Search:Postgres names a PostgreSQL + pgvector database instead (docker-compose.yml runs one beside the server).
        bool indexed = false;
        if (config["Search:Postgres"] is { Length: > 0 } postgres)
        {
            builder.Services.AddPostgresRetrievalStore(postgres);
            indexed = true;
        }
        else if (config["Search:Index"] is { Length: > 0 } index)
        {
            builder.Services.AddMultimodal().AddRetrievalIndex(Path.GetFullPath(index), o => o.ReadOnly = true);
            indexed = true;
        }

        string? images = indexed ? null : config["Search:ImagesFolder"] switch
        {
            "-" => null,
            null or "" => Path.Combine(AppContext.BaseDirectory, "search-images"),
            var folder => Path.GetFullPath(folder),
        };
        if (images is not null && Directory.Exists(images))
        {
            builder.Services.AddSingleton<IServerSearchIndex>(sp => new FolderSearchIndex(images, sp.GetRequiredService<IClipEncoder>()));
        }

        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapMultimodal();
        app.MapPrometheusScrapingEndpoint(); // GET /metrics
        return app;
    }

    /// <summary>A configured folder as given; otherwise the bundled model beside the binary, or in <c>models/</c> of the current folder or one above it.</summary>
    private static string ModelFolder(string? configured, string bundled)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }

        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "models", bundled);
                if (File.Exists(Path.Combine(candidate, "config.json")))
                {
                    return candidate;
                }
            }
        }

        throw new InvalidOperationException($"The bundled model '{bundled}' was not found beside the program or in models/ above the current folder; set Models:* in appsettings.json.");
    }
}
