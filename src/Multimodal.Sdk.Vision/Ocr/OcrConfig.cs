using System.Text.Json;

namespace Multimodal.Sdk;

/// <summary>How one OCR graph wants its input image: channel order, normalization and size.</summary>
/// <remarks><paramref name="Libvips"/>: <c>"resample": "libvips"</c>, sharp's resize (<see cref="VipsResampler"/>, @gutenye/ocr-node's) instead of a Pillow filter.</remarks>
internal sealed record OcrStageConfig(string Graph, bool Bgr, float[] Mean, float[] Std, int Height, int Width, int BatchSize, ResampleFilter Resample, bool Libvips = false);

/// <summary>
/// The typed <c>ocr_config.json</c> of a PaddleOCR-style model folder (docs/model-folders.md): the three graphs, the
/// dictionary and the pre- and post-processing values.
/// </summary>
/// <remarks>Immutable and safe for concurrent use.</remarks>
internal sealed class OcrConfig
{
    public const string FileName = "ocr_config.json";

    private OcrConfig(OcrStageConfig detection, int limitSideLength, bool limitMax, int multiple, bool roundUp, bool contain, DbSettings db, OcrStageConfig? classifier, float classifierThreshold, int rotatedLabel, OcrStageConfig recognition, string dictionary, bool useSpaceChar, float dropScore)
    {
        Detection = detection;
        LimitSideLength = limitSideLength;
        LimitIsMax = limitMax;
        Multiple = multiple;
        RoundUp = roundUp;
        Contain = contain;
        Db = db;
        Classifier = classifier;
        ClassifierThreshold = classifierThreshold;
        RotatedLabel = rotatedLabel;
        Recognition = recognition;
        Dictionary = dictionary;
        UseSpaceChar = useSpaceChar;
        DropScore = dropScore;
    }

    public OcrStageConfig Detection { get; }

    /// <summary>Gets <c>limit_side_len</c>: the side the detector input is limited to.</summary>
    public int LimitSideLength { get; }

    /// <summary>Gets whether <c>limit_type</c> is <c>max</c> (scale down when the longer side exceeds the limit) rather than <c>min</c>.</summary>
    public bool LimitIsMax { get; }

    /// <summary>Gets the multiple the detector input's sides are rounded to (32).</summary>
    public int Multiple { get; }

    /// <summary>Gets whether the detector's sides are rounded up to the multiple (<c>"rounding": "ceil"</c>, ocr-node) rather than to the nearest one (PaddleOCR).</summary>
    public bool RoundUp { get; }

    /// <summary>
    /// Gets whether the detector input keeps the image's aspect ratio and pads the rest black (<c>"resize": "contain"</c>,
    /// ocr-node's sharp call, resized by <see cref="VipsResampler"/>) rather than stretching to both sides (PaddleOCR).
    /// Lines are then cut from that resized image, as ocr-node cuts them.
    /// </summary>
    public bool Contain { get; }

    public DbSettings Db { get; }

    public OcrStageConfig? Classifier { get; }

    public float ClassifierThreshold { get; }

    /// <summary>Gets the classifier's class index that means "upside down" (the position of <c>"180"</c> in <c>labels</c>).</summary>
    public int RotatedLabel { get; }

    public OcrStageConfig Recognition { get; }

    /// <summary>Gets the dictionary file, relative to the folder.</summary>
    public string Dictionary { get; }

    public bool UseSpaceChar { get; }

    public float DropScore { get; }

    /// <summary>Reads and checks <c>ocr_config.json</c>.</summary>
    /// <exception cref="ModelNotFoundException">The folder has no <c>ocr_config.json</c>.</exception>
    /// <exception cref="ModelIncompatibleException">The file is not a PP-OCR config or a value has the wrong type or range.</exception>
    public static OcrConfig Load(ModelFolder folder, string fileName = FileName)
    {
        var json = folder.GetJson(fileName);
        string type = json.GetString("model_type");
        if (type != "pp-ocr")
        {
            throw new ModelIncompatibleException(folder.Path, FileName, $"The text reader needs an ocr_config.json with model_type 'pp-ocr', but '{folder.Path}/{FileName}' says '{type}'.");
        }

        var detection = Stage(json, folder, "detection", defaultHeight: 0, defaultWidth: 0);
        string limitType = json.TryGetString("detection.limit_type") ?? "max";
        if (limitType is not ("max" or "min"))
        {
            throw json.WrongType("detection.limit_type", "\"max\" or \"min\"", json.Root.GetProperty("detection").GetProperty("limit_type"));
        }

        string rounding = json.TryGetString("detection.rounding") ?? "round";
        string resize = json.TryGetString("detection.resize") ?? "stretch";
        if (rounding is not ("round" or "ceil") || resize is not ("stretch" or "contain"))
        {
            throw new ModelIncompatibleException(folder.Path, FileName, $"'{folder.Path}/{FileName}': detection.rounding must be \"round\" or \"ceil\" and detection.resize \"stretch\" or \"contain\", not \"{rounding}\" and \"{resize}\".");
        }

        var db = new DbSettings(
            (float)(json.TryGetDouble("detection.thresh") ?? 0.3),
            (float)(json.TryGetDouble("detection.box_thresh") ?? 0.6),
            json.TryGetDouble("detection.unclip_ratio") ?? 1.5,
            json.TryGetInt32("detection.min_size") ?? 3,
            json.TryGetInt32("detection.max_candidates") ?? 1000);

        OcrStageConfig? classifier = null;
        int rotated = 1;
        if (json.Has("classifier"))
        {
            classifier = Stage(json, folder, "classifier", defaultHeight: 48, defaultWidth: 192);
            if (json.TryFind("classifier.labels", out var labels) && labels.ValueKind == JsonValueKind.Array)
            {
                rotated = labels.EnumerateArray().Select(l => l.ToString()).ToList().IndexOf("180");
                if (rotated < 0)
                {
                    throw new ModelIncompatibleException(folder.Path, FileName, $"'{folder.Path}/{FileName}': classifier.labels must name the label \"180\".");
                }
            }
        }

        var recognition = Stage(json, folder, "recognition", defaultHeight: 48, defaultWidth: 320);
        string dictionary = json.GetString("recognition.dictionary");
        if (!File.Exists(Path.Combine(folder.Path, dictionary)))
        {
            throw new ModelNotFoundException(folder.Path, dictionary, $"Model folder '{folder.Path}' has no dictionary '{dictionary}' (named by {FileName}).");
        }

        return new OcrConfig(
            detection,
            Positive(json, "detection.limit_side_len", 960),
            limitType == "max",
            Positive(json, "detection.multiple", 32),
            rounding == "ceil",
            resize == "contain",
            db,
            classifier,
            (float)(json.TryGetDouble("classifier.thresh") ?? 0.9),
            rotated,
            recognition,
            dictionary,
            json.TryGetBoolean("recognition.use_space_char") ?? true,
            (float)(json.TryGetDouble("recognition.drop_score") ?? 0.5));
    }

    private static OcrStageConfig Stage(JsonConfig json, ModelFolder folder, string section, int defaultHeight, int defaultWidth)
    {
        string graph = json.GetString($"{section}.graph");
        if (!File.Exists(Path.Combine(folder.Path, graph)))
        {
            throw new ModelNotFoundException(folder.Path, graph, $"Model folder '{folder.Path}' has no graph '{graph}' (named by {FileName} {section}.graph). Graphs present: {string.Join(", ", folder.ListGraphs())}.");
        }

        string order = json.TryGetString($"{section}.channel_order") ?? "bgr";
        if (order is not ("bgr" or "rgb"))
        {
            throw new ModelIncompatibleException(folder.Path, FileName, $"'{folder.Path}/{FileName}': {section}.channel_order must be \"bgr\" or \"rgb\", not \"{order}\".");
        }

        var mean = json.TryGetSingleArray($"{section}.mean") ?? [0.5f, 0.5f, 0.5f];
        var std = json.TryGetSingleArray($"{section}.std") ?? [0.5f, 0.5f, 0.5f];
        if (mean.Length != 3 || std.Length != 3 || std.Any(s => s <= 0))
        {
            throw new ModelIncompatibleException(folder.Path, FileName, $"'{folder.Path}/{FileName}': {section}.mean and {section}.std need three values each, std positive.");
        }

        var resample = (json.TryGetString($"{section}.resample") ?? "bilinear") switch
        {
            "bilinear" => ResampleFilter.Bilinear,
            "bicubic" => ResampleFilter.Bicubic,
            "lanczos" or "libvips" => ResampleFilter.Lanczos,
            var other => throw new ModelIncompatibleException(folder.Path, FileName, $"'{folder.Path}/{FileName}': {section}.resample must be \"bilinear\", \"bicubic\", \"lanczos\" or \"libvips\", not \"{other}\"."),
        };
        var shape = json.TryGetInt32Array($"{section}.image_shape");
        int height = shape is { Length: 3 } ? shape[1] : defaultHeight;
        int width = shape is { Length: 3 } ? shape[2] : defaultWidth;
        bool libvips = json.TryGetString($"{section}.resample") == "libvips";
        return new OcrStageConfig(graph, order == "bgr", mean, std, height, width, Positive(json, $"{section}.batch_size", 6), resample, libvips);
    }

    private static int Positive(JsonConfig json, string path, int fallback)
    {
        int value = json.TryGetInt32(path) ?? fallback;
        if (value <= 0)
        {
            throw new ModelIncompatibleException(json.FolderPath, json.FileName, $"'{json.FolderPath}/{json.FileName}': {path} must be positive, not {value}.");
        }

        return value;
    }
}
