using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Multimodal.Sdk;

/// <summary>
/// <c>POST /v1/chat/completions</c> over the registered <see cref="IChatClient"/> (vision chat): OpenAI's request and
/// response, text and <c>image_url</c> parts, <c>stream</c> as chunks, <c>n</c> choices generated one after another.
/// </summary>
internal static class ChatCompletionsEndpoint
{
    public static async Task HandleAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptionsMonitor<MultimodalServerOptions>>().CurrentValue;
        var request = await JsonRequest.ReadAsync(context).ConfigureAwait(false);
        string model = request.RequiredString("model");
        var chat = ServedModels.Resolve<IChatClient>(services, options, model, options.ChatModel, "vision chat model");
        var messages = await ReadMessagesAsync(request, options, services, context.RequestAborted).ConfigureAwait(false);
        int n = request.Int("n", 1, Math.Max(1, options.MaxChoices)) ?? 1;
        var chatOptions = new ChatOptions
        {
            MaxOutputTokens = request.Int("max_completion_tokens", 1, 1 << 20) ?? request.Int("max_tokens", 1, 1 << 20),
            Temperature = request.Float("temperature", 0, 2),
            TopP = request.Float("top_p", 0, 1),
            Seed = request.Int("seed", int.MinValue, int.MaxValue),
            StopSequences = ReadStops(request),
        };
        string id = "chatcmpl-" + Guid.NewGuid().ToString("N");
        long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (request.Bool("stream"))
        {
            bool includeUsage = request["stream_options"] is JsonObject so && so["include_usage"] is JsonValue v && v.TryGetValue(out bool b) && b;
            await StreamAsync(context, chat, messages, chatOptions, n, id, created, options.ChatModel, includeUsage).ConfigureAwait(false);
            return;
        }

        var choices = new JsonArray();
        long promptTokens = 0, completionTokens = 0;
        for (int i = 0; i < n; i++)
        {
            var response = await chat.GetResponseAsync(messages, ForChoice(chatOptions, i), context.RequestAborted).ConfigureAwait(false);
            choices.Add(new JsonObject
            {
                ["index"] = i,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = response.Text, ["refusal"] = null },
                ["logprobs"] = null,
                ["finish_reason"] = FinishReason(response.FinishReason),
            });
            promptTokens = response.Usage?.InputTokenCount ?? promptTokens;
            completionTokens += response.Usage?.OutputTokenCount ?? 0;
        }

        CountTokens(completionTokens, options.ChatModel);
        await Results.Text(new JsonObject
        {
            ["id"] = id,
            ["object"] = "chat.completion",
            ["created"] = created,
            ["model"] = options.ChatModel,
            ["choices"] = choices,
            ["usage"] = Usage(promptTokens, completionTokens),
        }.ToJsonString(ServerJson.Options), "application/json").ExecuteAsync(context).ConfigureAwait(false);
    }

    private static async Task StreamAsync(HttpContext context, IChatClient chat, List<ChatMessage> messages, ChatOptions chatOptions, int n, string id, long created, string model, bool includeUsage)
    {
        long promptTokens = 0, completionTokens = 0;
        for (int i = 0; i < n; i++)
        {
            await using var updates = chat.GetStreamingResponseAsync(messages, ForChoice(chatOptions, i), context.RequestAborted).GetAsyncEnumerator(context.RequestAborted);

            // The first step renders the prompt and decodes the images: bad input fails here, before the 200 is sent.
            bool more = await updates.MoveNextAsync().ConfigureAwait(false);
            if (!context.Response.HasStarted)
            {
                SseWriter.Start(context);
            }

            await SseWriter.WriteAsync(context, Chunk(id, created, model, i, new JsonObject { ["role"] = "assistant", ["content"] = string.Empty }, null)).ConfigureAwait(false);
            string? finish = null;
            for (; more; more = await updates.MoveNextAsync().ConfigureAwait(false))
            {
                var update = updates.Current;
                if (update.Text is { Length: > 0 } text)
                {
                    await SseWriter.WriteAsync(context, Chunk(id, created, model, i, new JsonObject { ["content"] = text }, null)).ConfigureAwait(false);
                }

                foreach (var usage in update.Contents.OfType<UsageContent>())
                {
                    promptTokens = usage.Details.InputTokenCount ?? promptTokens;
                    completionTokens += usage.Details.OutputTokenCount ?? 0;
                }

                if (update.FinishReason is { } reason)
                {
                    finish = FinishReason(reason);
                }
            }

            await SseWriter.WriteAsync(context, Chunk(id, created, model, i, new JsonObject(), finish ?? "stop")).ConfigureAwait(false);
        }

        CountTokens(completionTokens, model);
        if (includeUsage)
        {
            var last = Chunk(id, created, model, 0, new JsonObject(), null);
            last["choices"] = new JsonArray();
            last["usage"] = Usage(promptTokens, completionTokens);
            await SseWriter.WriteAsync(context, last).ConfigureAwait(false);
        }

        await SseWriter.DoneAsync(context).ConfigureAwait(false);
    }

    private static JsonObject Chunk(string id, long created, string model, int index, JsonObject delta, string? finish) => new()
    {
        ["id"] = id,
        ["object"] = "chat.completion.chunk",
        ["created"] = created,
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject { ["index"] = index, ["delta"] = delta, ["logprobs"] = null, ["finish_reason"] = finish }),
    };

    private static JsonObject Usage(long prompt, long completion) => new()
    {
        ["prompt_tokens"] = prompt,
        ["completion_tokens"] = completion,
        ["total_tokens"] = prompt + completion,
    };

    private static string FinishReason(ChatFinishReason? reason) => reason == ChatFinishReason.Length ? "length" : "stop";

    // With sampling and a seed, each choice gets its own seed so n > 1 gives n different samples, reproducibly.
    private static ChatOptions ForChoice(ChatOptions options, int index)
    {
        if (index == 0 || options.Seed is null)
        {
            return options;
        }

        var copy = options.Clone();
        copy.Seed = options.Seed + index;
        return copy;
    }

    private static List<string>? ReadStops(JsonRequest request) => request["stop"] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? s) => [s],
        JsonArray a when a.All(x => x is JsonValue xv && xv.TryGetValue(out string? _)) => a.Select(x => x!.GetValue<string>()).ToList(),
        _ => throw ApiError.BadRequest("'stop' must be a string or an array of strings.", "stop"),
    };

    private static async Task<List<ChatMessage>> ReadMessagesAsync(JsonRequest request, MultimodalServerOptions options, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (request["messages"] is not JsonArray { Count: > 0 } array)
        {
            throw ApiError.BadRequest("'messages' must be a non-empty array.", "messages", "missing_required_parameter");
        }

        var messages = new List<ChatMessage>(array.Count);
        for (int m = 0; m < array.Count; m++)
        {
            string param = $"messages[{m}]";
            if (array[m] is not JsonObject message)
            {
                throw ApiError.BadRequest("Each message must be an object.", param);
            }

            var role = (message["role"] as JsonValue)?.TryGetValue(out string? r) == true ? r : null;
            var chatRole = role switch
            {
                "system" or "developer" => ChatRole.System,
                "user" => ChatRole.User,
                "assistant" => ChatRole.Assistant,
                _ => throw ApiError.BadRequest($"Unsupported role '{role}': this model reads system, developer, user and assistant messages.", param + ".role"),
            };
            var contents = new List<AIContent>();
            switch (message["content"])
            {
                case null when chatRole == ChatRole.Assistant:
                    break;
                case JsonValue v when v.TryGetValue(out string? text):
                    contents.Add(new TextContent(text));
                    break;
                case JsonArray parts:
                    for (int p = 0; p < parts.Count; p++)
                    {
                        contents.Add(await ReadPartAsync(parts[p], $"{param}.content[{p}]", options, services, cancellationToken).ConfigureAwait(false));
                    }

                    break;
                default:
                    throw ApiError.BadRequest("'content' must be a string or an array of content parts.", param + ".content");
            }

            messages.Add(new ChatMessage(chatRole, contents));
        }

        return messages;
    }

    private static async Task<AIContent> ReadPartAsync(JsonNode? node, string param, MultimodalServerOptions options, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (node is not JsonObject part)
        {
            throw ApiError.BadRequest("Each content part must be an object.", param);
        }

        string? type = (part["type"] as JsonValue)?.TryGetValue(out string? t) == true ? t : null;
        switch (type)
        {
            case "text":
                return (part["text"] as JsonValue)?.TryGetValue(out string? text) == true
                    ? new TextContent(text)
                    : throw ApiError.BadRequest("A text part needs 'text'.", param + ".text");
            case "image_url":
                // OpenAI's shape is {"image_url": {"url": ...}}; a bare string is accepted too.
                string? url = part["image_url"] switch
                {
                    JsonObject o when (o["url"] as JsonValue)?.TryGetValue(out string? u) == true => u,
                    JsonValue v when v.TryGetValue(out string? u) => u,
                    _ => null,
                };
                return url is null
                    ? throw ApiError.BadRequest("An image_url part needs 'image_url.url'.", param + ".image_url")
                    : await DataUri.ResolveImageAsync(url, param + ".image_url.url", options, services, cancellationToken).ConfigureAwait(false);
            default:
                throw ApiError.BadRequest($"Unsupported content part type '{type}': this model reads 'text' and 'image_url'.", param + ".type");
        }
    }

    private static void CountTokens(long tokens, string model)
    {
        if (tokens > 0)
        {
            ServerMetrics.Tokens.Add(tokens, new KeyValuePair<string, object?>("http.route", "/v1/chat/completions"), new KeyValuePair<string, object?>("gen_ai.request.model", model));
        }
    }
}
