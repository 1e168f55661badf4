using System.Text.Json.Nodes;

namespace Multimodal.Sdk.Server.Tests;

/// <summary>Every endpoint of the runnable server over the bundled tiny models: the answers the models are known to give.</summary>
[Collection(RealServerCollection.Name)]
public class RealModelEndpointTests(RealServer server)
{
    private static readonly byte[] BlueSquare = File.ReadAllBytes(RepoPaths.Asset("large-blue-square.png"));
    private static readonly byte[] Speech = File.ReadAllBytes(RepoPaths.Asset("speech-en-turn-on-the-blue-light.wav"));

    [Fact]
    public async Task SeedEndpointsCaptionAnswerClassifyAndSearch()
    {
        var caption = await Http.JsonAsync(await server.Http.PostAsync("/caption", Http.Form(("image", BlueSquare))));
        Assert.Equal("a large blue square", (string?)caption["caption"]);
        var vqa = await Http.JsonAsync(await server.Http.PostAsync("/vqa", Http.Form(("image", BlueSquare), ("question", "what color is the shape?"))));
        Assert.Equal("blue", (string?)vqa["answer"]);
        var labels = await Http.JsonAsync(await server.Http.PostAsync("/classify", Http.Form(("image", BlueSquare), ("labels", "blue square,red circle,yellow cross"))));
        Assert.Equal("blue square", (string?)labels["labels"]![0]!["label"]);
        var search = await Http.JsonAsync(await server.Http.PostAsync("/search", new StringContent("""{"query":"a yellow cross","top_k":2}""", System.Text.Encoding.UTF8, "application/json")));
        Assert.Equal("large-yellow-cross.png", (string?)search["results"]![0]!["id"]);
    }

    [Fact]
    public async Task ChatAnswersAboutADataUriImage()
    {
        string body = $$$"""{"model":"tiny-vlm","max_tokens":16,"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"{{{Http.PngDataUri}}}"}},{"type":"text","text":"what color is the shape?"}]}]}""";
        var json = await Http.JsonAsync(await server.Http.PostAsync("/v1/chat/completions", new StringContent(body, System.Text.Encoding.UTF8, "application/json")));
        Assert.Equal("blue", (string?)json["choices"]![0]!["message"]!["content"]);
        Assert.Equal("tiny-vlm", (string?)json["model"]);
    }

    [Fact]
    public async Task TranscriptionAndSubtitlesOfTheBundledClip()
    {
        var json = await Http.JsonAsync(await server.Http.PostAsync("/v1/audio/transcriptions", Http.Form(("model", "tiny-whisper"), ("file", Speech), ("response_format", "verbose_json"), ("timestamp_granularities[]", "segment"))));
        Assert.Equal("turn on the blue light", (string?)json["text"]);
        Assert.Equal("english", (string?)json["language"]);
        var segment = json["segments"]![0]!;
        Assert.InRange((double)segment["start"]!, 0, 1);
        Assert.InRange((double)segment["end"]!, 1, 2.5);
        var srt = await server.Http.PostAsync("/v1/audio/transcriptions", Http.Form(("model", "tiny-whisper"), ("file", Speech), ("response_format", "srt")));
        Assert.StartsWith("1\n00:00:00,", await srt.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImageAndTextEmbeddingsShareOneSpace()
    {
        string body = $$$"""{"model":"tiny-clip","input":["a large blue square","a small red circle","{{{Http.PngDataUri}}}"]}""";
        var json = await Http.JsonAsync(await server.Http.PostAsync("/v1/embeddings", new StringContent(body, System.Text.Encoding.UTF8, "application/json")));
        var vectors = json["data"]!.AsArray().Select(d => d!["embedding"]!.AsArray().Select(x => (float)x!).ToArray()).ToList();
        float Dot(float[] a, float[] b) => a.Zip(b, (x, y) => x * y).Sum();
        Assert.True(Dot(vectors[2], vectors[0]) > Dot(vectors[2], vectors[1]) + 0.3f);
    }

    [Fact]
    public async Task UndecodableImagesAre400FromTheRealDecoder()
    {
        byte[] notPng = [0x89, 0x50, 0x4E, 0x47, 1, 2, 3, 4, 5, 6];
        await Http.AssertErrorAsync(await server.Http.PostAsync("/caption", Http.Form(("image", notPng))), 400, "invalid_input");
        string body = """{"model":"tiny-vlm","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgoAAAANSUhEUg=="}},{"type":"text","text":"?"}]}]}""";
        await Http.AssertErrorAsync(await server.Http.PostAsync("/v1/chat/completions", new StringContent(body, System.Text.Encoding.UTF8, "application/json")), 400, "invalid_input");
        string embed = """{"model":"tiny-clip","input":"data:image/jpeg;base64,/9j/4AAQSkZJRg=="}""";
        await Http.AssertErrorAsync(await server.Http.PostAsync("/v1/embeddings", new StringContent(embed, System.Text.Encoding.UTF8, "application/json")), 400, "invalid_input");
    }

    [Fact]
    public async Task ProbesAndPlaygroundAnswer()
    {
        Assert.Equal("ok\n", await server.Http.GetStringAsync("/healthz"));
        Assert.True((bool)JsonNode.Parse(await server.Http.GetStringAsync("/readyz"))!["ready"]!);
        Assert.Contains("Multimodal.Sdk playground", await server.Http.GetStringAsync("/"), StringComparison.Ordinal);
    }
}
