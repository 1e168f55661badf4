using System.CommandLine;
using Multimodal.Sdk;
using Npgsql;

namespace Multimodal.Cli;

/// <summary>
/// <c>--store postgres://...</c>: mm index and mm search on a PostgreSQL server with pgvector instead of an index folder
/// (<c>--index DIR</c>); exactly one of the two.
/// </summary>
internal static class StoreOption
{
    public static Option<string> Create() => new("--store")
    {
        Description = "A PostgreSQL server with pgvector instead of --index: postgres://user:password@host:port/database[?table=NAME] or an Npgsql connection string (docs/retrieval.md).",
        HelpName = "URI",
    };

    /// <summary>Opens the store the command line names: the folder (read-only for readers) or the PostgreSQL table.</summary>
    public static IRetrievalStore Open(ParseResult parse, Option<string> index, Option<string> store, bool write)
    {
        string? directory = parse.GetValue(index);
        string? server = parse.GetValue(store);
        if ((directory is null) == (server is null))
        {
            throw new CliUsageException("needs --index DIR or --store postgres://..., one of them");
        }

        if (directory is not null)
        {
            return write ? IndexCommand.OpenWriter(directory) : IndexCommand.OpenReader(directory);
        }

        try
        {
            return new PostgresRetrievalStore(new PostgresRetrievalStoreOptions { ConnectionString = server });
        }
        catch (ArgumentException ex)
        {
            throw new CliInputException($"--store: {ex.Message}");
        }
    }

    /// <summary>Runs a store call; a server that cannot be reached or refuses is an input error naming the server, not a crash.</summary>
    public static async Task<T> Call<T>(IRetrievalStore store, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (NpgsqlException ex)
        {
            string where = store is PostgresRetrievalStore pg ? pg.Location : "the server";
            throw new CliInputException($"{where}: {ex.Message}");
        }
    }
}
