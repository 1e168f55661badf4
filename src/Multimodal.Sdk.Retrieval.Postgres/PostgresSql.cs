using System.Text.RegularExpressions;
using Npgsql;

namespace Multimodal.Sdk;

/// <summary>Identifier checks and connection string parsing shared by the options and the store.</summary>
internal static partial class PostgresSql
{
    // Table and schema names are spliced into SQL (they cannot be parameters), so only plain identifiers are accepted.
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex PlainIdentifier();

    public static string CheckIdentifier(string? value, string paramName)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, paramName);
        if (!PlainIdentifier().IsMatch(value))
        {
            throw new ArgumentException($"'{value}' is not a plain SQL identifier (a letter or underscore, then letters, digits or underscores; at most 63).", paramName);
        }

        return value;
    }

    /// <summary>
    /// Turns a <c>postgres://user:password@host:port/database?key=value</c> URI into an Npgsql connection string and the
    /// table it names (<c>?table=</c>), or returns a connection string unchanged.
    /// </summary>
    public static (string ConnectionString, string? Table) ParseConnectionString(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        if (!value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) && !value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return (value, null);
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException($"'{Redact(value)}' is not a valid postgres:// URI (postgres://user:password@host:port/database).", nameof(value));
        }

        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host };
        if (uri.Port > 0)
        {
            builder.Port = uri.Port;
        }

        if (uri.UserInfo.Length > 0)
        {
            string[] parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(parts[1]);
            }
        }

        string database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        string? table = null;
        foreach (string pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] kv = pair.Split('=', 2);
            string key = Uri.UnescapeDataString(kv[0]);
            string val = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : string.Empty;
            if (key.Equals("table", StringComparison.OrdinalIgnoreCase))
            {
                table = CheckIdentifier(val, "table");
                continue;
            }

            try
            {
                builder[key] = val;
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"'{key}' in the postgres:// URI is not an Npgsql connection string keyword: {e.Message}", nameof(value), e);
            }
        }

        return (builder.ConnectionString, table);
    }

    /// <summary>Host, port, database and table for messages and <see cref="RetrievalStoreInfo.Location"/>; never the password.</summary>
    public static string Describe(string connectionString, string qualifiedTable)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"postgres://{b.Host}:{b.Port}/{b.Database ?? b.Username}#{qualifiedTable}";
    }

    private static string Redact(string uri)
    {
        int at = uri.IndexOf('@', StringComparison.Ordinal);
        int scheme = uri.IndexOf("://", StringComparison.Ordinal);
        return at > scheme && scheme >= 0 ? string.Concat(uri.AsSpan(0, scheme + 3), "***", uri.AsSpan(at)) : uri;
    }
}
