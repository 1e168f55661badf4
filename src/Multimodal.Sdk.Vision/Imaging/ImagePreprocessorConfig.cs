namespace Multimodal.Sdk;

/// <summary>PIL resampling filter codes as written in <c>preprocessor_config.json</c>'s <c>resample</c>.</summary>
internal enum ResampleFilter
{
    Nearest = 0,
    Lanczos = 1,
    Bilinear = 2,
    Bicubic = 3,
    Box = 4,
    Hamming = 5,
}

/// <summary>How the resize step chooses the output size.</summary>
internal enum ResizeMode
{
    /// <summary>Scale so the shorter side equals <see cref="ImagePreprocessorConfig.ShortestEdge"/>, keeping the aspect ratio (CLIP).</summary>
    ShortestEdge,

    /// <summary>Scale to exactly <see cref="ImagePreprocessorConfig.Height"/> x <see cref="ImagePreprocessorConfig.Width"/> (ViT).</summary>
    Exact,
}

/// <summary>
/// The image part of <c>preprocessor_config.json</c> (CLIPImageProcessor, ViTImageProcessor, BlipImageProcessor ...),
/// with the defaults of the Python image processors for fields an export leaves out.
/// </summary>
internal sealed record ImagePreprocessorConfig
{
    public bool DoConvertRgb { get; init; } = true;

    public bool DoResize { get; init; } = true;

    public ResizeMode ResizeMode { get; init; } = ResizeMode.Exact;

    public int ShortestEdge { get; init; }

    public int Height { get; init; } = 224;

    public int Width { get; init; } = 224;

    public ResampleFilter Resample { get; init; } = ResampleFilter.Bilinear;

    public bool DoCenterCrop { get; init; }

    public int CropHeight { get; init; } = 224;

    public int CropWidth { get; init; } = 224;

    public bool DoRescale { get; init; } = true;

    public float RescaleFactor { get; init; } = 1f / 255f;

    public bool DoNormalize { get; init; } = true;

    public float[] ImageMean { get; init; } = [0.5f, 0.5f, 0.5f];

    public float[] ImageStd { get; init; } = [0.5f, 0.5f, 0.5f];

    /// <summary>Gets the height of the tensor the pipeline produces.</summary>
    public int OutputHeight => DoCenterCrop ? CropHeight : DoResize && ResizeMode == ResizeMode.Exact ? Height : throw new InvalidOperationException("Output height depends on the image.");

    /// <summary>Gets the width of the tensor the pipeline produces.</summary>
    public int OutputWidth => DoCenterCrop ? CropWidth : DoResize && ResizeMode == ResizeMode.Exact ? Width : throw new InvalidOperationException("Output width depends on the image.");

    /// <summary>Reads the config; an <c>int</c> <c>size</c> means the shortest edge for CLIP-style processors and a square for the others, as in transformers.</summary>
    public static ImagePreprocessorConfig From(JsonConfig json, string? modelType = null)
    {
        string processor = json.TryGetString("image_processor_type") ?? json.TryGetString("feature_extractor_type") ?? string.Empty;
        bool clipStyle = processor.Contains("CLIP", StringComparison.OrdinalIgnoreCase) || (processor.Length == 0 && modelType is "clip");

        var cfg = new ImagePreprocessorConfig
        {
            DoConvertRgb = json.TryGetBoolean("do_convert_rgb") ?? true,
            DoResize = json.TryGetBoolean("do_resize") ?? true,
            Resample = (ResampleFilter)(json.TryGetInt32("resample") ?? (clipStyle ? 3 : 2)),
            DoCenterCrop = json.TryGetBoolean("do_center_crop") ?? clipStyle,
            DoRescale = json.TryGetBoolean("do_rescale") ?? true,
            RescaleFactor = (float)(json.TryGetDouble("rescale_factor") ?? (1.0 / 255.0)),
            DoNormalize = json.TryGetBoolean("do_normalize") ?? true,
            ImageMean = Triple(json, "image_mean", clipStyle ? [0.48145466f, 0.4578275f, 0.40821073f] : [0.5f, 0.5f, 0.5f]),
            ImageStd = Triple(json, "image_std", clipStyle ? [0.26862954f, 0.26130258f, 0.27577711f] : [0.5f, 0.5f, 0.5f]),
        };

        // CLIPImageProcessor's default size is {"shortest_edge": 224}; ViT-style processors default to 224 x 224.
        if (clipStyle)
        {
            cfg = cfg with { ResizeMode = ResizeMode.ShortestEdge, ShortestEdge = 224 };
        }

        if (json.TryFind("size", out var size) && size.ValueKind != System.Text.Json.JsonValueKind.Null)
        {
            if (size.ValueKind == System.Text.Json.JsonValueKind.Number)
            {
                int n = json.GetInt32("size");
                cfg = clipStyle
                    ? cfg with { ResizeMode = ResizeMode.ShortestEdge, ShortestEdge = n }
                    : cfg with { ResizeMode = ResizeMode.Exact, Height = n, Width = n };
            }
            else if (json.Section("size") is { } s)
            {
                if (s.TryGetInt32("shortest_edge") is int edge)
                {
                    cfg = cfg with { ResizeMode = ResizeMode.ShortestEdge, ShortestEdge = edge };
                }
                else if (s.TryGetInt32("height") is int h && s.TryGetInt32("width") is int w)
                {
                    cfg = cfg with { ResizeMode = ResizeMode.Exact, Height = h, Width = w };
                }
                else
                {
                    throw json.Missing("size.shortest_edge", "'shortest_edge' or 'height' and 'width'");
                }
            }
            else
            {
                throw json.WrongType("size", "an integer or an object", size);
            }
        }

        if (json.TryFind("crop_size", out var crop) && crop.ValueKind != System.Text.Json.JsonValueKind.Null)
        {
            if (crop.ValueKind == System.Text.Json.JsonValueKind.Number)
            {
                int n = json.GetInt32("crop_size");
                cfg = cfg with { CropHeight = n, CropWidth = n };
            }
            else
            {
                var c = json.Section("crop_size")!;
                cfg = cfg with { CropHeight = c.GetInt32("height"), CropWidth = c.GetInt32("width") };
            }
        }

        // A missing crop_size keeps the processors' default of 224 x 224 (CLIPImageProcessor.__init__), not the resize size.

        // A model's tensor is at most MaxSide x MaxSide: beyond that a config asks for gigabytes per image (100000 x
        // 100000 would be 120 GB of floats), which no vision model trained so far uses.
        if (cfg.ResizeMode == ResizeMode.ShortestEdge)
        {
            CheckSide(json, "size.shortest_edge", cfg.ShortestEdge);
        }
        else
        {
            CheckSide(json, "size.height", cfg.Height);
            CheckSide(json, "size.width", cfg.Width);
        }

        if (cfg.DoCenterCrop)
        {
            CheckSide(json, "crop_size.height", cfg.CropHeight);
            CheckSide(json, "crop_size.width", cfg.CropWidth);
        }

        if (!float.IsFinite(cfg.RescaleFactor))
        {
            throw Invalid(json, "rescale_factor", $"must be a finite number but is {cfg.RescaleFactor}");
        }

        for (int c = 0; c < 3; c++)
        {
            if (!float.IsFinite(cfg.ImageMean[c]))
            {
                throw Invalid(json, "image_mean", $"must hold finite numbers but holds {cfg.ImageMean[c]}");
            }

            if (!float.IsFinite(cfg.ImageStd[c]) || cfg.ImageStd[c] == 0)
            {
                throw Invalid(json, "image_std", $"must hold finite non-zero numbers but holds {cfg.ImageStd[c]}");
            }
        }

        if (!Enum.IsDefined(cfg.Resample))
        {
            throw new ModelIncompatibleException(json.FolderPath, json.FileName, $"'{json.FileName}' in model folder '{json.FolderPath}': 'resample' must be a PIL filter code 0..5 but is {(int)cfg.Resample}.");
        }

        return cfg;
    }

    /// <summary>The largest tensor side a config may ask for.</summary>
    public const int MaxSide = 8192;

    private static void CheckSide(JsonConfig json, string key, int value)
    {
        if (value <= 0 || value > MaxSide)
        {
            throw Invalid(json, key, $"must be between 1 and {MaxSide} but is {value}");
        }
    }

    private static ModelIncompatibleException Invalid(JsonConfig json, string key, string problem) =>
        new(json.FolderPath, json.FileName, $"'{json.FileName}' in model folder '{json.FolderPath}': '{key}' {problem}.");

    private static float[] Triple(JsonConfig json, string path, float[] fallback)
    {
        var v = json.TryGetSingleArray(path);
        if (v is null)
        {
            return fallback;
        }

        return v.Length switch
        {
            1 => [v[0], v[0], v[0]],
            3 => v,
            _ => throw new ModelIncompatibleException(json.FolderPath, json.FileName, $"'{json.FileName}' in model folder '{json.FolderPath}': '{path}' must have 1 or 3 values but has {v.Length}."),
        };
    }
}
