namespace Multimodal.Cli;

/// <summary>The 40 zero-shot labels of the shapes world the bundled models know (colour x shape).</summary>
internal static class ShapesWorld
{
    public static string[] Labels { get; } =
        [.. from colour in new[] { "red", "green", "blue", "yellow", "purple", "orange", "white", "black" }
            from shape in new[] { "circle", "square", "triangle", "star", "cross" }
            select $"{colour} {shape}"];
}
