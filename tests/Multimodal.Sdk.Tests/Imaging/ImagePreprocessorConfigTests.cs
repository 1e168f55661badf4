namespace Multimodal.Sdk.Tests.Imaging;

public sealed class ImagePreprocessorConfigTests
{
    [Fact]
    public void ClipProcessorWithoutSizesUsesTransformersDefaults()
    {
        var config = ImagePreprocessorConfig.From(JsonConfig.Parse("""{"image_processor_type": "CLIPImageProcessor"}"""));

        Assert.Equal((ResizeMode.ShortestEdge, 224), (config.ResizeMode, config.ShortestEdge));
        Assert.Equal((true, 224, 224), (config.DoCenterCrop, config.CropHeight, config.CropWidth));
        Assert.Equal(ResampleFilter.Bicubic, config.Resample);
    }

    [Fact]
    public void MissingCropSizeIsTheDefault224NotTheShortestEdge()
    {
        var config = ImagePreprocessorConfig.From(JsonConfig.Parse("""{"image_processor_type": "CLIPImageProcessor", "size": {"shortest_edge": 336}}"""));

        Assert.Equal(336, config.ShortestEdge);
        Assert.Equal((224, 224), (config.CropHeight, config.CropWidth));
    }

    [Fact]
    public void IntegerSizeIsTheShortestEdgeForClipAndASquareForVit()
    {
        var clip = ImagePreprocessorConfig.From(JsonConfig.Parse("""{"feature_extractor_type": "CLIPFeatureExtractor", "size": 224, "crop_size": 224}"""));
        var vit = ImagePreprocessorConfig.From(JsonConfig.Parse("""{"image_processor_type": "ViTImageProcessor", "size": 384}"""));

        Assert.Equal((ResizeMode.ShortestEdge, 224), (clip.ResizeMode, clip.ShortestEdge));
        Assert.Equal((ResizeMode.Exact, 384, 384), (vit.ResizeMode, vit.Height, vit.Width));
        Assert.Equal((false, ResampleFilter.Bilinear), (vit.DoCenterCrop, vit.Resample));
    }
}
