// The README's quick start. Run from the repository root: dotnet run --project samples/Sample2_HostBuilder
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Multimodal.Sdk;

var builder = Host.CreateApplicationBuilder(args);
builder.Services
    .AddMultimodal(builder.Configuration.GetSection("Multimodal")) // threads, precision, input limits
    .UseCpu()                                                       // Multimodal.Sdk.Runtime.Cpu (or UseCuda(0))
    .AddClip("models/tiny-clip")                                    // IClipEncoder + M.E.AI embedding generators
    .AddImageCaptioner("models/tiny-captioner")                     // IImageCaptioner
    .AddVisualQa("models/tiny-vlm")                                 // IVisualQa
    .AddHostedWarmup();                                             // load models before the first request
using var host = builder.Build();
await host.StartAsync();

var image = ImageData.FromFile("samples/Multimodal.Cli/assets/large-blue-square.png");
var caption = await host.Services.GetRequiredService<IImageCaptioner>().CaptionAsync(image);
var labels = await host.Services.GetRequiredService<IClipEncoder>().ClassifyAsync(image, ["blue square", "red circle"]);
var answer = await host.Services.GetRequiredService<IVisualQa>().AnswerAsync(image, "how many shapes are there?");
Console.WriteLine($"{caption.Text} | {labels.Top.Label} | {answer.Answer}");
await host.StopAsync();
