using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Multimodal.Server;

namespace Multimodal.Sdk.Server.Tests;

/// <summary>
/// The runnable sample (samples/Multimodal.Server) with the bundled tiny models on a loopback port, started once for
/// every class in the "real server" collection: model loading is the cost, so it is paid once.
/// </summary>
public sealed class RealServer : IAsyncLifetime
{
    private WebApplication _app = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _app = ServerHost.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        var started = Stopwatch.StartNew();
        while (!(await Http.GetAsync("/readyz")).IsSuccessStatusCode)
        {
            Assert.True(started.Elapsed < TimeSpan.FromMinutes(2), "The server did not warm up within 2 minutes.");
            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Runs a script of tools/server-tests with node and returns its stdout; fails naming the fix when the npm packages are missing.</summary>
    public static async Task<string> RunNodeAsync(string script, params string[] args)
    {
        string folder = RepoPaths.ServerTests;
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "openai")) || !Directory.Exists(Path.Combine(folder, "node_modules", "playwright-core")))
        {
            Assert.Fail($"The npm packages of {folder} are missing: run tools/fetch-test-assets.sh");
        }

        var start = new ProcessStartInfo("node") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"node {script} exited with {process.ExitCode}:\n{await stderr}\n{await stdout}");
        return await stdout;
    }
}

[CollectionDefinition(Name)]
public sealed class RealServerCollection : ICollectionFixture<RealServer>
{
    public const string Name = "real server";
}
