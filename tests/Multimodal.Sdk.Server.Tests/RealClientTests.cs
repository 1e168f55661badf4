using System.ClientModel;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Multimodal.Sdk.Server.Tests;

/// <summary>Official OpenAI clients, unchanged, against the server on loopback: Node's <c>openai</c> package and .NET's OpenAI + Microsoft.Extensions.AI.</summary>
[Collection(RealServerCollection.Name)]
public class RealClientTests(RealServer server)
{
    [Fact]
    public async Task TheOpenAINpmPackageChatsTranscribesAndEmbeds()
    {
        string stdout = await RealServer.RunNodeAsync("openai-client.mjs", server.BaseAddress.ToString().TrimEnd('/'),
            RepoPaths.Asset("large-blue-square.png"), RepoPaths.Asset("speech-en-turn-on-the-blue-light.wav"));
        var result = JsonNode.Parse(stdout)!;
        Assert.Equal("blue", (string?)result["chat"]!["content"]);
        Assert.Equal("stop", (string?)result["chat"]!["finish"]);
        Assert.Equal("blue", (string?)result["stream"]!["content"]);
        Assert.True((int)result["stream"]!["chunks"]! >= 3);
        Assert.True((int)result["stream"]!["usage"]!["total_tokens"]! > 0);
        var t = result["transcriptions"]!;
        Assert.Equal("turn on the blue light", (string?)t["json"]!["text"]);
        Assert.Equal("turn on the blue light\n", (string?)t["text"]);
        Assert.Matches(@"^1\n00:00:00,\d{3} --> 00:00:0\d,\d{3}\nturn on the blue light\n", (string?)t["srt"]);
        Assert.StartsWith("WEBVTT\n\n00:00:00.", (string?)t["vtt"], StringComparison.Ordinal);
        Assert.Equal("turn on the blue light", (string?)t["verbose_json"]!["segments"]![0]!["text"]);
        Assert.NotNull((string?)result["translation"]!["text"]);
        Assert.Equal(3, result["embeddings"]!.AsArray().Count);
        Assert.True((bool)result["base64MatchesFloat"]!);
        Assert.True((double)result["similarity"]!["blueSquare"]! > (double)result["similarity"]!["redCircle"]!);
        Assert.Equal(404, (int)result["unknownModel"]!["status"]!);
        Assert.True((bool)result["unknownModel"]!["isNotFound"]!);
    }

    [Fact]
    public async Task AnExtensionsAIChatClientOverTheOpenAIPackageAnswersAboutAnImage()
    {
        var openai = new OpenAIClient(new ApiKeyCredential("none"), new OpenAIClientOptions { Endpoint = new Uri(server.BaseAddress, "v1") });
        IChatClient chat = openai.GetChatClient("tiny-vlm").AsIChatClient();
        var question = new ChatMessage(ChatRole.User, [new DataContent(File.ReadAllBytes(RepoPaths.Asset("large-blue-square.png")), "image/png"), new TextContent("what color is the shape?")]);

        var response = await chat.GetResponseAsync([question], new ChatOptions { MaxOutputTokens = 16, Temperature = 0 });
        Assert.Equal("blue", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.True(response.Usage?.OutputTokenCount > 0);

        var streamed = await chat.GetStreamingResponseAsync([question], new ChatOptions { MaxOutputTokens = 16 }).ToChatResponseAsync();
        Assert.Equal("blue", streamed.Text);

        var embeddings = openai.GetEmbeddingClient("tiny-clip").AsIEmbeddingGenerator();
        var vectors = await embeddings.GenerateAsync(["a large blue square", "a small red circle"]);
        Assert.Equal(2, vectors.Count);
        Assert.Equal(64, vectors[0].Vector.Length);

        var audio = openai.GetAudioClient("tiny-whisper");
        var transcription = await audio.TranscribeAudioAsync(RepoPaths.Asset("speech-en-turn-on-the-blue-light.wav"));
        Assert.Equal("turn on the blue light", transcription.Value.Text);

        var unknown = await Assert.ThrowsAsync<ClientResultException>(() => openai.GetChatClient("gpt-4o").AsIChatClient().GetResponseAsync([question]));
        Assert.Equal(404, unknown.Status);
    }
}
