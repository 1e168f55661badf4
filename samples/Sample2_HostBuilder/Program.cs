// The README's quick start, with two CLIP models side by side. From the repository root:
//   dotnet run --project samples/Sample2_HostBuilder [-- --Models:Captioner DIR --Models:Vlm DIR --Models:FastClip DIR --Image F]
// Model folders and the image come from appsettings.json (the bundled tiny models); any of them can be overridden on
// the command line as above, or with environment variables (Models__Captioner=DIR).
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Multimodal.Sdk;

// appsettings.json is read from beside the program, so the sample runs from any folder; model paths are relative to
// the current folder (the repository root in the command above).
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services
    .AddMultimodal(builder.Configuration.GetSection("Multimodal")) // threads, precision, input limits
    .UseCpu()                                                       // Multimodal.Sdk.Runtime.Cpu (or UseCuda(0))
    .AddClip("fast", builder.Configuration["Models:FastClip"]!)     // two keyed CLIP models side by side:
    .AddClip("accurate", builder.Configuration["Models:AccurateClip"]!) // GetRequiredKeyedService<IClipEncoder>(key)
    .AddImageCaptioner(builder.Configuration["Models:Captioner"]!)  // IImageCaptioner
    .AddVisualQa(builder.Configuration["Models:Vlm"]!)              // IVisualQa
    .AddHostedWarmup();                                             // load every model before the first request
using var host = builder.Build();
await host.StartAsync();

var image = ImageData.FromFile(builder.Configuration["Image"]!);
var caption = await host.Services.GetRequiredService<IImageCaptioner>().CaptionAsync(image);
var answer = await host.Services.GetRequiredService<IVisualQa>().AnswerAsync(image, "how many shapes are there?");
Console.WriteLine($"{caption.Text} | {answer.Answer}");
foreach (string key in new[] { "fast", "accurate" })
{
    var labels = await host.Services.GetRequiredKeyedService<IClipEncoder>(key).ClassifyAsync(image, ["blue square", "red circle"]);
    Console.WriteLine($"{key} CLIP: {labels.Top.Label} ({labels.Top.Score:P0})");
}

await host.StopAsync();
