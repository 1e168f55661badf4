namespace Multimodal.Sdk;

/// <summary>How much ONNX Runtime rewrites a graph when it creates a session.</summary>
public enum GraphOptimization
{
    /// <summary>No rewriting.</summary>
    None,

    /// <summary>Semantics-preserving rewrites such as constant folding and redundant node removal.</summary>
    Basic,

    /// <summary>Basic plus node fusions.</summary>
    Extended,

    /// <summary>Every optimization, including layout changes.</summary>
    All,
}
