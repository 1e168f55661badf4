// Child process of the crash test: opens an index folder, adds batches of records forever (with a checkpoint now and
// then) and prints "ack <id>" for every record of a batch once UpsertAsync has returned (acknowledged = durable). The
// test kills it with SIGKILL at a random moment, reopens the folder and checks every acknowledged id is there.
using Multimodal.Sdk;

string dir = args[0];
int seed = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
const int Dim = 32;
var random = new Random(seed);
using var store = EmbeddedRetrievalStore.Open(dir, new EmbeddedRetrievalStoreOptions { CheckpointBytes = 64 * 1024, Encoding = seed % 2 == 0 ? RetrievalVectorEncoding.Float32 : RetrievalVectorEncoding.Int8 });
long start = await store.CountAsync();
Console.Out.Flush();
for (long batch = 0; ; batch++)
{
    int n = random.Next(1, 40);
    var records = new List<RetrievalRecord>(n);
    for (int i = 0; i < n; i++)
    {
        string id = $"s{seed}-b{batch}-{i}";
        var vector = new float[Dim];
        for (int d = 0; d < Dim; d++)
        {
            vector[d] = (float)(random.NextDouble() - 0.5);
        }

        records.Add(new RetrievalRecord(id, (RetrievalModality)(i % 3), $"source {id}", RetrievalContentHash.ForText(id), vector));
    }

    await store.UpsertAsync(records);
    foreach (var r in records)
    {
        Console.Out.WriteLine($"ack {r.Id}");
    }

    Console.Out.Flush();

    // A short pause keeps the folder small enough for the test to check every id after each of its many kills.
    await Task.Delay(random.Next(0, 3));
    if (batch % 7 == 3)
    {
        // Delete an earlier acknowledged record and report it: the reopened index must not have it.
        string victim = $"s{seed}-b{batch - 1}-0";
        await store.DeleteAsync([victim]);
        Console.Out.WriteLine($"del {victim}");
        Console.Out.Flush();
    }
}
