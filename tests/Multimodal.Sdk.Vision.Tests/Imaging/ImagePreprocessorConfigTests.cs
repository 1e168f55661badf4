namespace Multimodal.Sdk.Vision.Tests.Imaging;

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

    [Fact]
    public void ClipIntegerSizeMeansShortestEdgeWithCenterCrop()
    {
        var c = ImagePreprocessorConfig.From(JsonConfig.Parse("""{"image_processor_type": "CLIPImageProcessor", "size": 224, "crop_size": 224, "do_center_crop": true, "resample": 3}"""));
        Assert.Equal(ResizeMode.ShortestEdge, c.ResizeMode);
        Assert.Equal(224, c.ShortestEdge);
        Assert.Equal(ResampleFilter.Bicubic, c.Resample);
        Assert.Equal(0.48145466f, c.ImageMean[0]);
        Assert.Equal(224, c.OutputHeight);
    }

    [Fact]
    public void VitIntegerSizeMeansAnExactSquare()
    {
        var c = ImagePreprocessorConfig.From(JsonConfig.Parse("""{"feature_extractor_type": "ViTFeatureExtractor", "size": 96, "image_mean": [0.5, 0.5, 0.5], "image_std": 0.5}"""));
        Assert.Equal(ResizeMode.Exact, c.ResizeMode);
        Assert.Equal((96, 96), (c.Height, c.Width));
        Assert.False(c.DoCenterCrop);
        Assert.Equal([0.5f, 0.5f, 0.5f], c.ImageStd);
        Assert.Equal(ResampleFilter.Bilinear, c.Resample);
    }

    [Fact]
    public void DictionarySizesAreRead()
    {
        var c = ImagePreprocessorConfig.From(JsonConfig.Parse("""{"size": {"shortest_edge": 64}, "crop_size": {"height": 64, "width": 48}, "do_center_crop": true}"""));
        Assert.Equal((ResizeMode.ShortestEdge, 64, 64, 48), (c.ResizeMode, c.ShortestEdge, c.CropHeight, c.CropWidth));
    }

    [Fact]
    public void UnknownResampleCodeIsRejected()
    {
        var ex = Assert.Throws<ModelIncompatibleException>(() => ImagePreprocessorConfig.From(JsonConfig.Parse("""{"size": 32, "resample": 9}""")));
        Assert.Contains("resample", ex.Message, StringComparison.Ordinal);
    }
}
