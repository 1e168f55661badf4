using Microsoft.Extensions.Options;
using Multimodal.Sdk;

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

        builder.Services
            .AddMultimodal(config.GetSection("Multimodal"))
            .UseCpu()
            .AddVisionChat(chat)          // POST /v1/chat/completions
            .AddVisualQa(chat)            // POST /vqa
            .AddImageCaptioner(captioner) // POST /caption
            .AddClip(clip)                // POST /v1/embeddings, /classify, /search
            .AddSpeechRecognizer(speech); // POST /v1/audio/*

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
        if (config["Search:Index"] is { Length: > 0 } index)
        {
            builder.Services.AddMultimodal().AddRetrievalIndex(Path.GetFullPath(index), o => o.ReadOnly = true);
        }

        string? images = config["Search:Index"] is { Length: > 0 } ? null : config["Search:ImagesFolder"] switch
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
