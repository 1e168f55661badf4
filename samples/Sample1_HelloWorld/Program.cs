// Caption and classify an image, no dependency injection. From the repository root:
//   dotnet run --project samples/Sample1_HelloWorld [-- path/to/image.png [captioner-folder [clip-folder]]]
// The model folders default to the bundled tiny models; any compatible folder works (docs/model-folders.md).
using Multimodal.Sdk;

var image = ImageData.FromFile(args.Length > 0 ? args[0] : "samples/Multimodal.Cli/assets/large-yellow-cross.png");
using var captioner = new ImageCaptioner(args.Length > 1 ? args[1] : "models/tiny-captioner");
using var clip = new ClipEncoder(args.Length > 2 ? args[2] : "models/tiny-clip");

CaptionResult caption = await captioner.CaptionAsync(image);
ZeroShotResult labels = await clip.ClassifyAsync(image, ["a yellow cross", "a blue square", "a red circle"]);
Console.WriteLine($"caption: {caption.Text}");
Console.WriteLine($"label:   {labels.Top.Label} ({labels.Top.Score:P0})");
