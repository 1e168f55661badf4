namespace Multimodal.Sdk;

/// <summary>
/// The precision variants that Hugging Face Optimum and transformers.js exports ship side by side in
/// <c>onnx/</c>, told apart by the file name suffix.
/// </summary>
public enum ModelPrecision
{
    /// <summary>32-bit float weights, no suffix (<c>model.onnx</c>).</summary>
    Full,

    /// <summary>16-bit float weights (<c>model_fp16.onnx</c>).</summary>
    Float16,

    /// <summary>Dynamically quantized 8-bit weights (<c>model_quantized.onnx</c>).</summary>
    Quantized,

    /// <summary>Signed 8-bit weights (<c>model_int8.onnx</c>).</summary>
    Int8,

    /// <summary>Unsigned 8-bit weights (<c>model_uint8.onnx</c>).</summary>
    UInt8,

    /// <summary>4-bit weights with float32 compute (<c>model_q4.onnx</c>).</summary>
    Q4,

    /// <summary>4-bit weights with float16 compute (<c>model_q4f16.onnx</c>).</summary>
    Q4F16,

    /// <summary>bitsandbytes 4-bit weights (<c>model_bnb4.onnx</c>).</summary>
    Bnb4,
}
