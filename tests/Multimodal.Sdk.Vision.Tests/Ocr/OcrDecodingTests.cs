using System.Drawing;

namespace Multimodal.Sdk.Vision.Tests.Ocr;

public class OcrDecodingTests
{
    private static readonly CtcDecoder Decoder = new(["a", "b", "c"], useSpaceChar: true); // classes: blank a b c space

    [Fact]
    public void CtcDropsBlanksMergesRepeatsAndKeepsRepeatsSplitByABlank()
    {
        // frames: a a blank a b space space c blank
        var (text, confidence) = Decoder.Decode(Frames([1, 1, 0, 1, 2, 4, 4, 3, 0], 0.8f), 9);
        Assert.Equal("aab c", text);
        Assert.Equal(0.8f, confidence, 5);
        Assert.Equal(5, Decoder.ClassCount);
    }

    [Fact]
    public void CtcOfOnlyBlanksIsEmptyWithZeroConfidence()
    {
        Assert.Equal((string.Empty, 0f), Decoder.Decode(Frames([0, 0, 0], 0.9f), 3));
    }

    [Fact]
    public void DictionaryLinesEndWithOrWithoutAFinalLineBreak()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "a\r\nb\nc\n");
            Assert.Equal(["a", "b", "c"], CtcDecoder.ReadDictionary(path));
            File.WriteAllText(path, "a\nb\nc");
            Assert.Equal(["a", "b", "c"], CtcDecoder.ReadDictionary(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ReadingOrderGroupsLinesTopToBottomThenLeftToRight()
    {
        PointF[][] boxes =
        [
            Box(300, 52, 100, 30), // line 1, right (4 px lower than its neighbour)
            Box(10, 100, 200, 30), // line 2
            Box(10, 48, 200, 30),  // line 1, left
            Box(10, 135, 50, 10),  // line 3: small text just under line 2
        ];
        var order = ReadingOrder.Sort(boxes);
        Assert.Equal([(2, 0), (0, 0), (1, 1), (3, 2)], order);
    }

    [Fact]
    public void DbPostProcessingFindsARegionScalesItAndDropsWeakOnes()
    {
        const int W = 64, H = 32;
        var map = new float[W * H];
        Fill(map, W, 10, 10, 40, 6, 0.9f);   // a text kernel
        Fill(map, W, 5, 25, 20, 4, 0.35f);    // above the 0.3 threshold, under the 0.6 box threshold
        var settings = new DbSettings(0.3f, 0.6f, 1.5, 3, 1000);
        var boxes = DbPostProcessor.FindBoxes(map, W, H, W * 2, H * 2, settings);
        var box = Assert.Single(boxes);

        // kernel 39 x 5 (pixel centres), unclipped by 39*5*1.5/88 = 3.3 on each side, then scaled by 2
        Assert.Equal(2 * (10 - 3.3), box[0].X, 0.6);
        Assert.Equal(2 * (49 + 3.3), box[1].X, 0.6);
        Assert.Equal(2 * (10 - 3.3), box[0].Y, 0.6);
        Assert.Equal(2 * (15 + 3.3), box[3].Y, 0.6);
    }

    private static float[] Frames(int[] best, float p)
    {
        var probabilities = new float[best.Length * 5];
        for (int t = 0; t < best.Length; t++)
        {
            for (int c = 0; c < 5; c++)
            {
                probabilities[(t * 5) + c] = c == best[t] ? p : (1 - p) / 4;
            }
        }

        return probabilities;
    }

    private static PointF[] Box(float x, float y, float w, float h) => [new(x, y), new(x + w, y), new(x + w, y + h), new(x, y + h)];

    private static void Fill(float[] map, int width, int x0, int y0, int w, int h, float value)
    {
        for (int y = y0; y < y0 + h; y++)
        {
            for (int x = x0; x < x0 + w; x++)
            {
                map[(y * width) + x] = value;
            }
        }
    }
}
