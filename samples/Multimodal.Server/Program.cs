// An OpenAI-compatible multimodal server over the SDK's pipelines, with a web playground at /. From the repository root:
//   dotnet run --project samples/Multimodal.Server -- --urls http://127.0.0.1:5080
// `Multimodal.Server healthcheck [url]` probes a running server's /healthz and exits 0 or 1: the Dockerfile's HEALTHCHECK,
// since the runtime image has no curl.
using Multimodal.Server;

if (args is ["healthcheck", ..])
{
    return await HealthCheck.RunAsync(args.Length > 1 ? args[1] : "http://127.0.0.1:8080/healthz");
}

await using var app = ServerHost.Build(args);
await app.RunAsync();
return 0;
