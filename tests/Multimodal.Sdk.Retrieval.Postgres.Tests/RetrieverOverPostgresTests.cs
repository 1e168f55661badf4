using Microsoft.Extensions.DependencyInjection;

namespace Multimodal.Sdk.Retrieval.Postgres.Tests;

/// <summary>The retriever runs over the PostgreSQL store unchanged: add, dedup, search, filter, update, delete.</summary>
[Collection(PostgresCollection.Name)]
public sealed class RetrieverOverPostgresTests(PgliteServer server)
{
    private static readonly string[] Texts = ["a red apple", "a yellow banana", "a green pear", "blue ocean waves", "a red fire truck"];

    [Fact]
    public async Task TheRetrieverAddsDeduplicatesSearchesUpdatesAndDeletesThroughPostgres()
    {
        var encoder = new TextHashEncoder();
        var services = new ServiceCollection()
            .AddSingleton<IClipEncoder>(encoder)
            .AddPostgresRetrievalStore(o =>
            {
                o.ConnectionString = server.ConnectionString;
                o.TableName = "retriever_" + Guid.NewGuid().ToString("N")[..12];
                o.ExactSearch = true;
            });
        services.AddMultimodal().AddRetriever(o => o.BatchSize = 2);
        using var provider = services.BuildServiceProvider();
        var retriever = provider.GetRequiredService<MultimodalRetriever>();

        var added = await retriever.AddTextsAsync(Texts);
        Assert.All(added, r => Assert.Equal(RetrievalAddStatus.Added, r.Status));
        Assert.Equal(5, encoder.TextsEmbedded);

        // The same content again is found by its content hash in PostgreSQL: nothing embedded, nothing duplicated.
        var again = await retriever.AddTextsAsync(Texts);
        Assert.All(again, r => Assert.Equal(RetrievalAddStatus.Unchanged, r.Status));
        Assert.Equal(5, encoder.TextsEmbedded);
        Assert.Equal(5, await retriever.Store.CountAsync());

        var hits = await retriever.SearchAsync("a green pear", new RetrievalSearchOptions { Top = 3 });
        Assert.Equal("a green pear", hits[0].Record.Source);
        Assert.Equal(1f, hits[0].Score, 5);
        var expected = Texts.OrderByDescending(t => System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(TextHashEncoder.Embed(t), TextHashEncoder.Embed("a green pear"))).Take(3);
        Assert.Equal(expected, hits.Select(h => h.Record.Source));

        string pearId = hits[0].Record.Id;
        var updated = await retriever.UpdateAsync(pearId, RetrievalItem.FromText("a ripe green pear"));
        Assert.Equal(RetrievalAddStatus.Updated, updated.Status);
        Assert.Equal("a ripe green pear", (await retriever.Store.GetAsync(pearId))!.Source);
        Assert.Equal(5, await retriever.Store.CountAsync());

        Assert.Equal(1, await retriever.DeleteAsync([pearId]));
        var after = await retriever.SearchAsync("a green pear", new RetrievalSearchOptions { Top = 10, Modality = RetrievalModality.Text });
        Assert.Equal(4, after.Count);
        Assert.DoesNotContain(after, h => h.Record.Id == pearId);
    }
}
