using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Multimodal.Sdk.Retrieval.Postgres.Tests;

/// <summary>Connection strings, URIs, options binding and the COPY capability check: no server needed.</summary>
public sealed class PostgresOptionsTests
{
    [Fact]
    public void APostgresUriBecomesAConnectionStringAndNamesTheTable()
    {
        var (connectionString, table) = PostgresSql.ParseConnectionString("postgres://mm:s%40cret@db.example:6543/photos?table=library&sslmode=require");

        var b = new NpgsqlConnectionStringBuilder(connectionString);
        Assert.Equal("db.example", b.Host);
        Assert.Equal(6543, b.Port);
        Assert.Equal("mm", b.Username);
        Assert.Equal("s@cret", b.Password);
        Assert.Equal("photos", b.Database);
        Assert.Equal(SslMode.Require, b.SslMode);
        Assert.Equal("library", table);
    }

    [Fact]
    public void AConnectionStringPassesThroughUnchanged()
    {
        var (connectionString, table) = PostgresSql.ParseConnectionString("Host=localhost;Database=x");

        Assert.Equal("Host=localhost;Database=x", connectionString);
        Assert.Null(table);
    }

    [Theory]
    [InlineData("postgres://h/db?table=bad;drop")]
    [InlineData("postgres://h/db?nosuchkeyword=1")]
    public void AMalformedUriIsAnArgumentError(string uri) =>
        Assert.Throws<ArgumentException>(() => PostgresSql.ParseConnectionString(uri));

    [Fact]
    public void TableAndSchemaNamesMustBePlainIdentifiers()
    {
        var options = new PostgresRetrievalStoreOptions();
        Assert.Throws<ArgumentException>(() => options.TableName = "x\"; DROP TABLE y; --");
        Assert.Throws<ArgumentException>(() => options.Schema = "a.b");
        options.TableName = "photos_2024";
        Assert.Equal("photos_2024", options.TableName);
    }

    [Fact]
    public void ALocationNeverShowsThePassword()
    {
        using var store = new PostgresRetrievalStore(new PostgresRetrievalStoreOptions { ConnectionString = "postgres://mm:topsecret@db:5432/photos?table=lib" });

        Assert.Equal("postgres://db:5432/photos#lib", store.Location);
    }

    [Theory]
    [InlineData("PostgreSQL 18.6 (PGlite 0.5.14) on wasm32-unknown-emscripten, compiled by emcc", false)]
    [InlineData("PostgreSQL 17.2 (Debian 17.2-1.pgdg120+1) on x86_64-pc-linux-gnu, compiled by gcc", true)]
    public void BinaryCopyIsUsedOnEveryServerButPglite(string version, bool copy) =>
        Assert.Equal(copy, PostgresRetrievalStore.SupportsBinaryCopy(version));

    [Fact]
    public void OptionsBindFromConfigurationAndTheStoreIsTheRetrievalStore()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Retrieval:Postgres:ConnectionString"] = "Host=127.0.0.1;Database=x",
            ["Retrieval:Postgres:TableName"] = "photos",
            ["Retrieval:Postgres:EfSearch"] = "100",
            ["Retrieval:Postgres:BulkInsertMode"] = "Batched",
        }).Build();
        var services = new ServiceCollection().AddPostgresRetrievalStore(config.GetSection("Retrieval:Postgres"));
        using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<IRetrievalStore>();

        var postgres = Assert.IsType<PostgresRetrievalStore>(store);
        Assert.Same(postgres, provider.GetRequiredService<PostgresRetrievalStore>());
        Assert.EndsWith("#photos", postgres.Location, StringComparison.Ordinal);
    }
}
