using System.Drawing;

namespace Multimodal.Sdk.Vision.Tests.Ocr;

public class OcrGeometryTests
{
    [Fact]
    public void MinAreaRectOfAnAxisAlignedPixelBlockSpansThePixelCentres()
    {
        // OpenCV's convention: the rectangle joins pixel centres, so a 10 x 4 block is 9 x 3.
        var pixels = from y in Enumerable.Range(5, 4) from x in Enumerable.Range(20, 10) select new PointF(x, y);
        var (box, shortSide) = OcrGeometry.MiniBox([.. pixels]);
        Assert.Equal(3, shortSide, 3);
        Assert.Equal([new PointF(20, 5), new PointF(29, 5), new PointF(29, 8), new PointF(20, 8)], box.Select(Round));
    }

    [Fact]
    public void MinAreaRectFindsTheRotationOfATiltedRectangle()
    {
        const double Angle = 30 * Math.PI / 180;
        var corners = new[] { (0.0, 0.0), (40.0, 0.0), (40.0, 10.0), (0.0, 10.0) }
            .Select(c => new PointF((float)((c.Item1 * Math.Cos(Angle)) - (c.Item2 * Math.Sin(Angle)) + 50), (float)((c.Item1 * Math.Sin(Angle)) + (c.Item2 * Math.Cos(Angle)) + 20)))
            .ToList();
        var inside = corners.Concat([new PointF(corners.Average(c => c.X), corners.Average(c => c.Y))]).ToList();
        var rect = OcrGeometry.MinAreaRect(inside);
        Assert.Equal(400, rect.Width * rect.Height, 1);
        Assert.Equal(10, rect.ShortSide, 2);
    }

    [Fact]
    public void UnclipGrowsARectangleByAreaTimesRatioOverPerimeterOnEachSide()
    {
        PointF[] box = [new(0, 0), new(100, 0), new(100, 10), new(0, 10)];
        double d = 100 * 10 * 1.5 / 220; // 6.818
        var grown = OcrGeometry.MinAreaRect(OcrGeometry.Unclip(box, 1.5));
        Assert.Equal(100 + (2 * d), Math.Max(grown.Width, grown.Height), 2);
        Assert.Equal(10 + (2 * d), grown.ShortSide, 2);
        Assert.Empty(OcrGeometry.Unclip([new(3, 3), new(3, 3), new(3, 3), new(3, 3)], 1.5));
    }

    [Fact]
    public void OrderClockwiseStartsTopLeft()
    {
        PointF[] shuffled = [new(10, 12), new(0, 0), new(12, 2), new(-2, 10)];
        Assert.Equal([new PointF(0, 0), new PointF(12, 2), new PointF(10, 12), new PointF(-2, 10)], OcrGeometry.OrderClockwise(shuffled));
    }

    [Fact]
    public void WarpOfAnAxisAlignedBoxIsThePlainCropAndTallCropsAreTurned()
    {
        const int W = 20, H = 12;
        var rgb = new byte[W * H * 3];
        for (int i = 0; i < rgb.Length; i++)
        {
            rgb[i] = (byte)(i * 7 % 251);
        }

        var crop = TextCrop.Warp(rgb, W, H, [new(2, 3), new(12, 3), new(12, 8), new(2, 8)]);
        Assert.Equal((10, 5), (crop.Width, crop.Height));
        for (int y = 0; y < 5; y++)
        {
            for (int x = 0; x < 10; x++)
            {
                Assert.Equal(rgb[(((y + 3) * W) + x + 2) * 3], crop.Pixels[((y * 10) + x) * 3]);
            }
        }

        var tall = TextCrop.Warp(rgb, W, H, [new(2, 1), new(5, 1), new(5, 11), new(2, 11)]);
        Assert.Equal((10, 3), (tall.Width, tall.Height)); // 3 x 10 turned a quarter counter-clockwise
        Assert.Equal(rgb[((1 * W) + 4) * 3], tall.Pixels[0]); // the top-right source pixel lands top-left
    }

    private static PointF Round(PointF p) => new(MathF.Round(p.X, 3), MathF.Round(p.Y, 3));
}
