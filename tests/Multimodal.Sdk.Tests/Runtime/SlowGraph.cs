using System.Text;

namespace Multimodal.Sdk.Tests.Runtime;

/// <summary>
/// Writes a tiny ONNX model in protobuf by hand: input <c>x</c> [n, n] float, then <paramref name="layers"/> MatMul
/// nodes, each multiplying the previous result by <c>x</c>. Long enough to cancel in the middle of one run.
/// </summary>
internal static class SlowGraph
{
    public static byte[] MatMulChain(int layers)
    {
        var graph = new ProtoWriter();
        string previous = "x";
        for (int i = 0; i < layers; i++)
        {
            string output = i == layers - 1 ? "y" : $"h{i}";
            var node = new ProtoWriter().String(1, previous).String(1, "x").String(2, output).String(3, $"matmul{i}").String(4, "MatMul");
            graph.Message(1, node);
            previous = output;
        }

        graph.String(2, "slow").Message(11, ValueInfo("x")).Message(12, ValueInfo("y"));
        var opset = new ProtoWriter().String(1, string.Empty).Int(2, 17);
        return new ProtoWriter().Int(1, 8).Message(8, opset).Message(7, graph).ToArray();
    }

    private static ProtoWriter ValueInfo(string name)
    {
        var shape = new ProtoWriter().Message(1, new ProtoWriter().String(2, "n")).Message(1, new ProtoWriter().String(2, "n"));
        var tensor = new ProtoWriter().Int(1, 1).Message(2, shape);
        return new ProtoWriter().String(1, name).Message(2, new ProtoWriter().Message(1, tensor));
    }

    private sealed class ProtoWriter
    {
        private readonly MemoryStream _bytes = new();

        public ProtoWriter Int(int field, long value)
        {
            Varint((ulong)(field << 3));
            Varint((ulong)value);
            return this;
        }

        public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public ProtoWriter Message(int field, ProtoWriter message) => Bytes(field, message.ToArray());

        public byte[] ToArray() => _bytes.ToArray();

        private ProtoWriter Bytes(int field, byte[] value)
        {
            Varint((ulong)((field << 3) | 2));
            Varint((ulong)value.Length);
            _bytes.Write(value);
            return this;
        }

        private void Varint(ulong value)
        {
            while (value >= 0x80)
            {
                _bytes.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }

            _bytes.WriteByte((byte)value);
        }
    }
}
