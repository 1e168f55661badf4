using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Multimodal.Sdk.Server.Tests;

/// <summary>The wire format of every endpoint, over fake pipelines: what OpenAI clients and the seed's callers parse.</summary>
public class ProtocolTests : IAsyncLifetime
{
    private FakeServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeServer.StartAsync(
            o => o.AllowRemoteImageUrls = true,
            build: b => b.Services.AddSingleton<IServerSearchIndex>(new FakeIndex()),
            map: app => app.MapGet("/test-image.png", () => Results.File(File.ReadAllBytes(RepoPaths.Asset("large-blue-square.png")), "image/png")));
        await _server.WaitReadyAsync();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ChatCompletionHasOpenAIsShapeAndMapsOptions()
    {
        var json = await Http.JsonAsync(await _server.PostJsonAsync("/v1/chat/completions", $$$"""
            {"model":"fake-vlm","max_tokens":7,"temperature":0.5,"n":2,"messages":[
              {"role":"system","content":"be brief"},
              {"role":"user","content":[{"type":"image_url","image_url":{"url":"{{{Http.PngDataUri}}}"}},{"type":"text","text":"what is it?"}]}]}
            """));
        Assert.StartsWith("chatcmpl-", (string?)json["id"], StringComparison.Ordinal);
        Assert.Equal("chat.completion", (string?)json["object"]);
        Assert.Equal("fake-vlm", (string?)json["model"]);
        var choices = json["choices"]!.AsArray();
        Assert.Equal(2, choices.Count);
        Assert.Equal(1, (int)choices[1]!["index"]!);
        Assert.Equal("assistant", (string?)choices[0]!["message"]!["role"]);
        Assert.Equal("1 image(s), 2 message(s), max 7, t 0.5", (string?)choices[0]!["message"]!["content"]);
        Assert.Equal("stop", (string?)choices[0]!["finish_reason"]);
        Assert.Equal(10, (int)json["usage"]!["prompt_tokens"]!);
        Assert.Equal(6, (int)json["usage"]!["completion_tokens"]!);
        Assert.Equal(16, (int)json["usage"]!["total_tokens"]!);
    }

    [Fact]
    public async Task StreamedChatIsServerSentChunksEndingWithDone()
    {
        var response = await _server.PostJsonAsync("/v1/chat/completions",
            """{"model":"fake-vlm","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        string body = await response.Content.ReadAsStringAsync();
        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, e => Assert.StartsWith("data: ", e, StringComparison.Ordinal));
        Assert.Equal("data: [DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonNode.Parse(e["data: ".Length..])!).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", (string?)c["object"]));
        Assert.Single(chunks.Select(c => (string?)c["id"]).Distinct());
        Assert.Equal("assistant", (string?)chunks[0]["choices"]![0]!["delta"]!["role"]);
        string text = string.Concat(chunks.SelectMany(c => c["choices"]!.AsArray()).Select(c => (string?)c!["delta"]!["content"]));
        Assert.Equal("one two three", text);
        Assert.Equal("length", (string?)chunks[^2]["choices"]![0]!["finish_reason"]);
        Assert.Empty(chunks[^1]["choices"]!.AsArray());
        Assert.Equal(13, (int)chunks[^1]["usage"]!["total_tokens"]!);
    }

    [Fact]
    public async Task RemoteImageUrlsAreFetchedWhenAllowed()
    {
        var json = await Http.JsonAsync(await _server.PostJsonAsync("/v1/chat/completions", $$$"""
            {"model":"fake-vlm","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"{{{_server.Http.BaseAddress}}}test-image.png"}},{"type":"text","text":"?"}]}]}
            """));
        Assert.StartsWith("1 image(s)", (string?)json["choices"]![0]!["message"]!["content"], StringComparison.Ordinal);
        await Http.AssertErrorAsync(await _server.PostJsonAsync("/v1/chat/completions", $$$"""
            {"model":"fake-vlm","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"{{{_server.Http.BaseAddress}}}missing.png"}}]}]}
            """), 400, "invalid_image_url");
    }

    [Theory]
    [InlineData("json", "application/json")]
    [InlineData("text", "text/plain")]
    [InlineData("srt", "application/x-subrip")]
    [InlineData("vtt", "text/vtt")]
    [InlineData("verbose_json", "application/json")]
    public async Task TranscriptionAnswersEveryResponseFormat(string format, string mediaType)
    {
        var response = await _server.Http.PostAsync("/v1/audio/transcriptions", Http.Form(
            ("model", "fake-whisper"), ("file", Http.SilentWav(2)), ("language", "es"), ("prompt", "hola"), ("temperature", "0.3"), ("response_format", format)));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.Equal(mediaType, response.Content.Headers.ContentType!.MediaType);
        const string Text = "Transcribe 2.0s lang=es prompt=hola t=0.3";
        switch (format)
        {
            case "json":
                Assert.Equal(Text, (string?)JsonNode.Parse(body)!["text"]);
                break;
            case "text":
                Assert.Equal(Text + "\n", body);
                break;
            case "srt":
                Assert.Equal($"1\n00:00:00,500 --> 00:00:01,250\n{Text}\n\n", body);
                break;
            case "vtt":
                Assert.Equal($"WEBVTT\n\n00:00:00.500 --> 00:00:01.250\n{Text}\n\n", body);
                break;
            default:
                var json = JsonNode.Parse(body)!;
                Assert.Equal("transcribe", (string?)json["task"]);
                Assert.Equal("spanish", (string?)json["language"]);
                Assert.Equal(2.0, (double)json["duration"]!);
                var segment = json["segments"]![0]!;
                Assert.Equal(0.5, (double)segment["start"]!);
                Assert.Equal(1.25, (double)segment["end"]!);
                Assert.Equal(3, segment["tokens"]!.AsArray().Count);
                Assert.Equal(Text, (string?)segment["text"]);
                break;
        }
    }

    [Fact]
    public async Task TranslationRunsTheTranslateTaskAndIgnoresLanguage()
    {
        var json = await Http.JsonAsync(await _server.Http.PostAsync("/v1/audio/translations", Http.Form(("model", "fake-whisper"), ("file", Http.SilentWav(1)), ("language", "es"))));
        Assert.StartsWith("Translate 1.0s lang= ", (string?)json["text"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmbeddingsKeepTheInputOrderForMixedTextAndImages()
    {
        var json = await Http.JsonAsync(await _server.PostJsonAsync("/v1/embeddings", $$$"""{"model":"fake-clip","input":["ab","{{{Http.PngDataUri}}}","abcd"]}"""));
        Assert.Equal("list", (string?)json["object"]);
        var data = json["data"]!.AsArray();
        Assert.Equal([0, 1, 2], data.Select(d => (int)d!["index"]!));
        Assert.Equal([0f, 2f, 0f, 0.5f], data[0]!["embedding"]!.AsArray().Select(x => (float)x!));
        Assert.Equal([1f, 0f, 0f, 0f], data[1]!["embedding"]!.AsArray().Select(x => (float)x!));
        Assert.Equal(4f, (float)data[2]!["embedding"]![1]!);

        var b64 = await Http.JsonAsync(await _server.PostJsonAsync("/v1/embeddings", """{"model":"fake-clip","input":"abc","encoding_format":"base64"}"""));
        byte[] bytes = Convert.FromBase64String((string)b64["data"]![0]!["embedding"]!);
        Assert.Equal([0f, 3f, 0f, 0.5f], Enumerable.Range(0, 4).Select(i => BitConverter.ToSingle(bytes, i * 4)));
        await Http.AssertErrorAsync(await _server.PostJsonAsync("/v1/embeddings", """{"model":"fake-clip","input":"abc","dimensions":512}"""), 400);
    }

    [Fact]
    public async Task ModelsListsEveryServedModel()
    {
        var json = await Http.JsonAsync(await _server.Http.GetAsync("/v1/models"));
        Assert.Equal("list", (string?)json["object"]);
        Assert.Equal(["fake-vlm", "fake-captioner", "fake-clip", "fake-whisper"], json["data"]!.AsArray().Select(m => (string?)m!["id"]));
        Assert.All(json["data"]!.AsArray(), m => Assert.Equal("model", (string?)m!["object"]));
    }

    [Fact]
    public async Task SeedEndpointsAnswerCaptionAnswerAndLabels()
    {
        byte[] png = File.ReadAllBytes(RepoPaths.Asset("large-blue-square.png"));
        var caption = await Http.JsonAsync(await _server.Http.PostAsync("/caption", Http.Form(("image", png))));
        Assert.Equal($"caption of {png.Length} bytes", (string?)caption["caption"]);
        var vqa = await Http.JsonAsync(await _server.Http.PostAsync("/vqa", Http.Form(("image", png), ("question", "what colour?"))));
        Assert.Equal("answer to what colour?", (string?)vqa["answer"]);
        var labels = await Http.JsonAsync(await _server.Http.PostAsync("/classify", Http.Form(("image", png), ("labels", "a, b"), ("labels", "c"))));
        Assert.Equal(3, labels["labels"]!.AsArray().Count);
        Assert.Equal(1f, labels["labels"]!.AsArray().Sum(l => (float)l!["score"]!), 3);
    }

    [Fact]
    public async Task SearchEmbedsTextOrImageQueriesAndRanksWithTheIndex()
    {
        var text = await Http.JsonAsync(await _server.PostJsonAsync("/search", """{"query":"abc","top_k":2}"""));
        Assert.Equal(["text:3", "second"], text["results"]!.AsArray().Select(r => (string?)r!["id"]));
        Assert.Equal("v", (string?)text["results"]![0]!["metadata"]!["k"]);
        var image = await Http.JsonAsync(await _server.PostJsonAsync("/search", $$$"""{"query":"{{{Http.PngDataUri}}}"}"""));
        Assert.Equal("image", (string?)image["results"]![0]!["id"]);
    }

    [Fact]
    public async Task PlaygroundIsOneSelfContainedPage()
    {
        var response = await _server.Http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        string html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=\"http", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"http", html, StringComparison.Ordinal);
    }

    private sealed class FakeIndex : IServerSearchIndex
    {
        public Task<IReadOnlyList<ServerSearchHit>> SearchAsync(Embedding<float> query, int top, CancellationToken cancellationToken = default)
        {
            string first = query.Vector.Span[0] == 1 ? "image" : $"text:{query.Vector.Span[1]}";
            IReadOnlyList<ServerSearchHit> hits = [new(first, 0.9f, new Dictionary<string, string> { ["k"] = "v" }), new("second", 0.5f), new("third", 0.1f)];
            return Task.FromResult<IReadOnlyList<ServerSearchHit>>([.. hits.Take(top)]);
        }
    }
}
