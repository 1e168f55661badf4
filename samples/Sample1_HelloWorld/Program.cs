// Caption and classify an image, no dependency injection. From the repository root:
//   dotnet run --project samples/Sample1_HelloWorld [-- path/to/image.png]
using Multimodal.Sdk;

var image = ImageData.FromFile(args.Length > 0 ? args[0] : "samples/Multimodal.Cli/assets/large-yellow-cross.png");
using var captioner = new ImageCaptioner("models/tiny-captioner");
using var clip = new ClipEncoder("models/tiny-clip");

CaptionResult caption = await captioner.CaptionAsync(image);
ZeroShotResult labels = await clip.ClassifyAsync(image, ["a yellow cross", "a blue square", "a red circle"]);
Console.WriteLine($"caption: {caption.Text}");
Console.WriteLine($"label:   {labels.Top.Label} ({labels.Top.Score:P0})");
