using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Multimodal.Sdk;

/// <summary>The seed's endpoints: <c>POST /caption</c>, <c>/vqa</c>, <c>/classify</c> (multipart with an <c>image</c> file) and <c>/search</c> (JSON).</summary>
internal static class VisionEndpoints
{
    public static async Task CaptionAsync(HttpContext context)
    {
        var (options, form) = await ReadAsync(context).ConfigureAwait(false);
        var captioner = ServedModels.Resolve<IImageCaptioner>(context.RequestServices, options, form.String("model"), options.CaptionModel, "captioning model");
        var image = await ImageOfAsync(form, context).ConfigureAwait(false);
        var captionOptions = new CaptionOptions
        {
            MaxNewTokens = form.Int("max_new_tokens", 1, 1024),
            NumBeams = form.Int("num_beams", 1, 16),
            NumReturnSequences = form.Int("num_return_sequences", 1, 16),
            Prefix = form.String("prefix"),
        };
        var result = await captioner.CaptionAsync(image, captionOptions, context.RequestAborted).ConfigureAwait(false);
        await Json(context, new JsonObject
        {
            ["caption"] = result.Text,
            ["captions"] = new JsonArray([.. result.Captions.Select(c => (JsonNode)new JsonObject { ["text"] = c.Text, ["score"] = c.Score })]),
            ["model"] = options.CaptionModel,
        }).ConfigureAwait(false);
    }

    public static async Task VisualQaAsync(HttpContext context)
    {
        var (options, form) = await ReadAsync(context).ConfigureAwait(false);
        var qa = ServedModels.Resolve<IVisualQa>(context.RequestServices, options, form.String("model"), options.ChatModel, "visual question answering model");
        var image = await ImageOfAsync(form, context).ConfigureAwait(false);
        string question = form.RequiredString("question");
        var result = await qa.AnswerAsync(image, question, new VisualQaOptions { MaxNewTokens = form.Int("max_new_tokens", 1, 1024) }, context.RequestAborted).ConfigureAwait(false);
        await Json(context, new JsonObject
        {
            ["question"] = result.Question,
            ["answer"] = result.Answer,
            ["score"] = result.Score,
            ["model"] = options.ChatModel,
        }).ConfigureAwait(false);
    }

    public static async Task ClassifyAsync(HttpContext context)
    {
        var (options, form) = await ReadAsync(context).ConfigureAwait(false);
        var clip = ServedModels.Resolve<IClipEncoder>(context.RequestServices, options, form.String("model"), options.EmbeddingModel, "CLIP model");
        var image = await ImageOfAsync(form, context).ConfigureAwait(false);

        // Labels as repeated fields or one comma-separated field (what a curl -F line writes most easily).
        var labels = form.Strings("labels").Concat(form.Strings("labels[]"))
            .SelectMany(l => l.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (labels.Count == 0)
        {
            throw ApiError.BadRequest("The form needs 'labels' (repeated, or comma-separated).", "labels", "missing_required_parameter");
        }

        var zeroShot = new ZeroShotOptions();
        if (form.String("template") is { } template)
        {
            zeroShot.Templates = [template];
        }

        var result = await clip.ClassifyAsync(image, labels, zeroShot, context.RequestAborted).ConfigureAwait(false);
        await Json(context, new JsonObject
        {
            ["labels"] = new JsonArray([.. result.Labels.Select(l => (JsonNode)new JsonObject { ["label"] = l.Label, ["score"] = l.Score })]),
            ["model"] = options.EmbeddingModel,
        }).ConfigureAwait(false);
    }

    public static async Task SearchAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptionsMonitor<MultimodalServerOptions>>().CurrentValue;
        var index = services.GetService<IServerSearchIndex>()
            ?? (services.GetService<IRetrievalStore>() is { } store ? new RetrievalSearchIndex(store) : null)
            ?? throw new ApiError(StatusCodes.Status404NotFound, "This server has no search index configured.", ApiError.InvalidRequest, "search_not_configured");
        var request = await JsonRequest.ReadAsync(context).ConfigureAwait(false);
        var clip = ServedModels.Resolve<IClipEncoder>(services, options, request.String("model"), options.EmbeddingModel, "CLIP model");
        string query = request.RequiredString("query");
        int top = request.Int("top_k", 1, 100) ?? 5;
        var embedding = DataUri.IsImageDataUri(query)
            ? await clip.EmbedImageAsync(ImageData.FromBytes(DataUri.Parse(query, "query").Data, "query"), context.RequestAborted).ConfigureAwait(false)
            : await clip.EmbedTextAsync(query, context.RequestAborted).ConfigureAwait(false);
        var hits = await index.SearchAsync(embedding, top, context.RequestAborted).ConfigureAwait(false);
        await Json(context, new JsonObject
        {
            ["results"] = new JsonArray([.. hits.Select(h => (JsonNode)new JsonObject
            {
                ["id"] = h.Id,
                ["score"] = h.Score,
                ["metadata"] = h.Metadata is null ? null : new JsonObject(h.Metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
            })]),
            ["model"] = options.EmbeddingModel,
        }).ConfigureAwait(false);
    }

    private static async Task<(MultimodalServerOptions Options, FormInput Form)> ReadAsync(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptionsMonitor<MultimodalServerOptions>>().CurrentValue;
        return (options, await FormInput.ReadAsync(context).ConfigureAwait(false));
    }

    private static async Task<ImageData> ImageOfAsync(FormInput form, HttpContext context)
    {
        var file = form.RequiredFile("image", "file");
        using var copy = new MemoryStream((int)Math.Min(file.Length, int.MaxValue));
        await file.CopyToAsync(copy, context.RequestAborted).ConfigureAwait(false);
        return ImageData.FromBytes(copy.ToArray(), file.FileName);
    }

    private static Task Json(HttpContext context, JsonObject body) => Results.Text(body.ToJsonString(ServerJson.Options), "application/json").ExecuteAsync(context);
}
