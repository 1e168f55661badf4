using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Multimodal.Sdk.Retrieval.Postgres.Tests;

/// <summary>
/// A real PostgreSQL 18 with pgvector for the tests: PGlite's wire-protocol server (tools/pglite, installed by
/// tools/fetch-test-assets.sh) started on a free loopback port for the test collection and killed with its process tree
/// afterwards. With MM_POSTGRES_TEST_CONNECTION set (a connection string or postgres:// URI) the tests use that server
/// instead, so the same tests run against a real PostgreSQL.
/// </summary>
public sealed class PgliteServer : IAsyncLifetime
{
    private const string ServerScript = "node_modules/@electric-sql/pglite-socket/dist/scripts/server.js";
    private readonly StringBuilder _log = new();
    private Process? _process;

    /// <summary>Gets the connection string of the running server.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>Gets whether the server is PGlite (started here) rather than one named by MM_POSTGRES_TEST_CONNECTION.</summary>
    public bool IsPglite => _process is not null;

    public async Task InitializeAsync()
    {
        string? external = Environment.GetEnvironmentVariable("MM_POSTGRES_TEST_CONNECTION");
        if (!string.IsNullOrWhiteSpace(external))
        {
            ConnectionString = external;
            return;
        }

        string folder = Path.Combine(RepoPaths.Root, "tools", "pglite");
        if (!File.Exists(Path.Combine(folder, ServerScript)))
        {
            throw new InvalidOperationException($"PGlite is not installed in {folder}: run tools/fetch-test-assets.sh (npm ci in tools/pglite).");
        }

        // A port the OS just handed out is free with high probability; a lost race shows as an early exit and is retried.
        for (int attempt = 1; ; attempt++)
        {
            int port = FreeLoopbackPort();
            if (await TryStartAsync(folder, port).ConfigureAwait(false))
            {
                // The server accepts 4 connections (-m 4); one store's pool stays within them and waits for a free one.
                ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Password=postgres;Database=postgres;Timeout=30;Command Timeout=60;Maximum Pool Size=4";
                return;
            }

            Stop();
            if (attempt == 3)
            {
                throw new InvalidOperationException($"PGlite's server did not start on 127.0.0.1 after {attempt} attempts:\n{_log}");
            }
        }
    }

    public Task DisposeAsync()
    {
        Stop();
        return Task.CompletedTask;
    }

    private async Task<bool> TryStartAsync(string folder, int port)
    {
        var listening = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { ServerScript, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-h", "127.0.0.1", "-m", "4", "-e", "@electric-sql/pglite-pgvector:vector" })
        {
            start.ArgumentList.Add(arg);
        }

        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (_log)
            {
                _log.AppendLine(e.Data);
            }

            if (e.Data.Contains("listening", StringComparison.OrdinalIgnoreCase))
            {
                listening.TrySetResult(true);
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_log)
                {
                    _log.AppendLine(e.Data);
                }
            }
        };
        _process.Exited += (_, _) => listening.TrySetResult(false);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        // Loading the WASM PostgreSQL and pgvector takes a few seconds (longer on a loaded 2-core machine).
        var done = await Task.WhenAny(listening.Task, Task.Delay(TimeSpan.FromSeconds(90))).ConfigureAwait(false);
        return done == listening.Task && listening.Task.Result;
    }

    private void Stop()
    {
        if (_process is null)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }

        _process.Dispose();
        _process = null;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The tests that share one server.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PgliteServer>
{
    public const string Name = "PostgreSQL";
}
