using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Multimodal.Sdk;

/// <summary>Row (first-axis) operations on ONNX Runtime tensors of any element type, by raw bytes.</summary>
internal static class OrtTensors
{
    /// <summary>
    /// Creates a tensor whose row i is row <paramref name="sourceRows"/>[i] of <paramref name="source"/>: beam
    /// reordering of a cache, and expanding encoder output to one row per beam or returned sequence.
    /// </summary>
    public static OrtValue GatherRows(OrtValue source, ReadOnlySpan<int> sourceRows)
    {
        var info = source.GetTensorTypeAndShape();
        long[] shape = info.Shape;
        long rows = shape[0];
        shape[0] = sourceRows.Length;
        var result = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, info.ElementDataType, shape);
        try
        {
            var src = source.GetTensorMutableRawData();
            var dst = result.GetTensorMutableRawData();
            int rowBytes = rows == 0 ? 0 : (int)(src.Length / rows);
            for (int i = 0; i < sourceRows.Length; i++)
            {
                int r = sourceRows[i];
                if ((uint)r >= (ulong)rows)
                {
                    throw new ArgumentOutOfRangeException(nameof(sourceRows), r, $"Row {r} is outside a tensor of {rows} rows.");
                }

                src.Slice(r * rowBytes, rowBytes).CopyTo(dst.Slice(i * rowBytes, rowBytes));
            }

            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>Creates the row map that repeats each of <paramref name="inputs"/> rows <paramref name="times"/> times in a row.</summary>
    public static int[] RepeatEach(int inputs, int times)
    {
        var map = new int[inputs * times];
        for (int i = 0; i < map.Length; i++)
        {
            map[i] = i / times;
        }

        return map;
    }

    /// <summary>Gets the number of rows (first dimension) of a tensor.</summary>
    public static long Rows(OrtValue value) => value.GetTensorTypeAndShape().Shape[0];

    /// <summary>Copies float or float16 values into <paramref name="destination"/> as float.</summary>
    public static void CopyAsSingle(OrtValue value, TensorElementType type, int offset, Span<float> destination)
    {
        if (type == TensorElementType.Float)
        {
            value.GetTensorDataAsSpan<float>().Slice(offset, destination.Length).CopyTo(destination);
        }
        else if (type == TensorElementType.Float16)
        {
            var halves = System.Runtime.InteropServices.MemoryMarshal.Cast<Float16, Half>(value.GetTensorDataAsSpan<Float16>());
            System.Numerics.Tensors.TensorPrimitives.ConvertToSingle(halves.Slice(offset, destination.Length), destination);
        }
        else
        {
            throw new NotSupportedException($"Logits of element type {type} are not supported; float or float16 was expected.");
        }
    }
}
