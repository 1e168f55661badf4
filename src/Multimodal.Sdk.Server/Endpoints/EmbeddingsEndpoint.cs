using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Multimodal.Sdk;

/// <summary>
/// <c>POST /v1/embeddings</c> over the registered <see cref="IClipEncoder"/>. Text input as OpenAI's (a string or an
/// array of strings); our extension: an input that is an image <c>data:</c> URI is embedded as an image, in the same
/// space as the texts (CLIP), so one request can embed both.
/// </summary>
internal static class EmbeddingsEndpoint
{
    public static async Task HandleAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptionsMonitor<MultimodalServerOptions>>().CurrentValue;
        var request = await JsonRequest.ReadAsync(context).ConfigureAwait(false);
        string model = request.RequiredString("model");
        var encoder = ServedModels.Resolve<IClipEncoder>(services, options, model, options.EmbeddingModel, "embedding model");
        var inputs = request["input"] switch
        {
            JsonValue v when v.TryGetValue(out string? s) => [s],
            JsonArray { Count: > 0 } a when a.All(x => x is JsonValue xv && xv.TryGetValue(out string? _)) => a.Select(x => x!.GetValue<string>()).ToList(),
            JsonArray { Count: > 0 } => throw ApiError.BadRequest("'input' items must be strings (token arrays are not supported).", "input"),
            null => throw ApiError.BadRequest("'input' is required.", "input", "missing_required_parameter"),
            _ => throw ApiError.BadRequest("'input' must be a string or a non-empty array of strings.", "input"),
        };
        if (inputs.Count > options.MaxEmbeddingInputs)
        {
            throw ApiError.BadRequest($"At most {options.MaxEmbeddingInputs} inputs per request.", "input");
        }

        string format = request.String("encoding_format") ?? "float";
        if (format is not ("float" or "base64"))
        {
            throw ApiError.BadRequest("'encoding_format' must be 'float' or 'base64'.", "encoding_format");
        }

        int? dimensions = request.Int("dimensions", 1, 1 << 16);

        // Texts and images go to the encoder in one batch each, then back into the request's order.
        var textIndexes = new List<int>();
        var imageIndexes = new List<int>();
        var images = new List<ImageData>();
        for (int i = 0; i < inputs.Count; i++)
        {
            if (DataUri.IsImageDataUri(inputs[i]))
            {
                imageIndexes.Add(i);
                images.Add(ImageData.FromBytes(DataUri.Parse(inputs[i], $"input[{i}]").Data, $"input[{i}]"));
            }
            else
            {
                textIndexes.Add(i);
            }
        }

        var vectors = new Embedding<float>[inputs.Count];
        if (textIndexes.Count > 0)
        {
            var embedded = await encoder.EmbedTextsAsync(textIndexes.Select(i => inputs[i]).ToList(), context.RequestAborted).ConfigureAwait(false);
            for (int k = 0; k < textIndexes.Count; k++)
            {
                vectors[textIndexes[k]] = embedded[k];
            }
        }

        if (imageIndexes.Count > 0)
        {
            var embedded = await encoder.EmbedImagesAsync(images, context.RequestAborted).ConfigureAwait(false);
            for (int k = 0; k < imageIndexes.Count; k++)
            {
                vectors[imageIndexes[k]] = embedded[k];
            }
        }

        if (dimensions is { } d && d != vectors[0].Vector.Length)
        {
            throw ApiError.BadRequest($"This model's embeddings have {vectors[0].Vector.Length} dimensions; 'dimensions' cannot change that.", "dimensions");
        }

        var data = new JsonArray();
        for (int i = 0; i < vectors.Length; i++)
        {
            var vector = vectors[i].Vector;
            JsonNode embedding = format == "base64"
                ? Convert.ToBase64String(MemoryMarshal.AsBytes(vector.Span))
                : new JsonArray([.. vector.ToArray().Select(x => (JsonNode)x)]);
            data.Add(new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = embedding });
        }

        await Results.Text(new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = options.EmbeddingModel,

            // CLIP does not report token counts through IClipEncoder; zero says "not counted" rather than a guess.
            ["usage"] = new JsonObject { ["prompt_tokens"] = 0, ["total_tokens"] = 0 },
        }.ToJsonString(ServerJson.Options), "application/json").ExecuteAsync(context).ConfigureAwait(false);
    }
}
