// An OpenAI-compatible multimodal server over the SDK's pipelines, with a web playground at /. From the repository root:
//   dotnet run --project samples/Multimodal.Server -- --urls http://127.0.0.1:5080
using Multimodal.Server;

await using var app = ServerHost.Build(args);
await app.RunAsync();
