using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace Multimodal.Sdk.Retrieval.Tests.Embedded;

/// <summary>
/// A child process (CrashWriter) adds batches to an index folder and prints each id once its batch is acknowledged;
/// it is killed with SIGKILL at a random moment, many times over the same folder (mid-frame, mid-fsync,
/// mid-checkpoint, mid-manifest rename). After every kill the folder must open, hold every acknowledged id with its
/// source and vector, and not hold any id whose delete was acknowledged.
/// </summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private const int Kills = 25;

    [Fact]
    public async Task EveryAcknowledgedRecordSurvivesSigkillAtRandomPoints()
    {
        using var folder = TestPaths.NewFolder();
        string helper = Path.Combine(AppContext.BaseDirectory, "Multimodal.Sdk.Retrieval.CrashWriter.dll");
        Assert.True(File.Exists(helper), $"{helper} is not built");
        var random = new Random(20261203);
        var acknowledged = new HashSet<string>(StringComparer.Ordinal);
        var deleted = new HashSet<string>(StringComparer.Ordinal);
        var deadline = Stopwatch.StartNew();
        int killsWithAcks = 0;
        for (int run = 0; run < Kills; run++)
        {
            // Each run uses its own int8-or-float encoding only when the folder is new; runs after the first keep run 0's.
            var psi = new ProcessStartInfo("dotnet", [helper, folder.Path, (run * 2).ToString(System.Globalization.CultureInfo.InvariantCulture)])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var child = Process.Start(psi)!;
            var stdout = new StringBuilder();
            var firstAck = new TaskCompletionSource();
            child.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    return;
                }

                lock (stdout)
                {
                    stdout.Append(e.Data).Append('\n');
                }

                firstAck.TrySetResult();
            };
            child.BeginOutputReadLine();
            var stderr = child.StandardError.ReadToEndAsync();

            // Wait for the child to be writing, then let it run a random while: kills land anywhere in its loop.
            await Task.WhenAny(firstAck.Task, child.WaitForExitAsync(), Task.Delay(20000));
            if (child.HasExited)
            {
                Assert.Fail($"the writer exited early: {await stderr}");
            }

            await Task.Delay(random.Next(0, 400));
            child.Kill();
            await child.WaitForExitAsync();

            string text;
            lock (stdout)
            {
                text = stdout.ToString();
            }

            int before = acknowledged.Count;
            foreach (var line in text.Split('\n'))
            {
                if (line.StartsWith("ack ", StringComparison.Ordinal))
                {
                    acknowledged.Add(line[4..]);
                }
                else if (line.StartsWith("del ", StringComparison.Ordinal))
                {
                    deleted.Add(line[4..]);
                }
            }

            killsWithAcks += acknowledged.Count > before ? 1 : 0;
            var verify = Stopwatch.StartNew();
            await VerifyAsync(folder.Path, acknowledged, deleted);
            output.WriteLine($"run {run}: {acknowledged.Count - before} new acknowledgements, verified in {verify.ElapsedMilliseconds} ms");

        }

        output.WriteLine($"{Kills} kills ({killsWithAcks} after new acknowledgements), {acknowledged.Count} acknowledged ids, {deleted.Count} deletes, {deadline.Elapsed.TotalSeconds:F1} s");
        Assert.True(killsWithAcks >= Kills / 2, $"only {killsWithAcks} of {Kills} runs acknowledged anything: the kills did not land mid-write");
    }

    private static async Task VerifyAsync(string folder, HashSet<string> acknowledged, HashSet<string> deleted)
    {
        // Read-only first (no recovery writes), then as the next writer (cuts the torn tail, checkpoints on dispose).
        foreach (bool readOnly in new[] { true, false })
        {
            using var store = EmbeddedRetrievalStore.Open(folder, new EmbeddedRetrievalStoreOptions { ReadOnly = readOnly });
            foreach (var id in acknowledged)
            {
                var record = await store.GetAsync(id);
                if (deleted.Contains(id))
                {
                    Assert.True(record is null, $"{id} was deleted (acknowledged) but is back after the crash");
                    continue;
                }

                Assert.True(record is not null, $"acknowledged {id} is missing after the crash");
                Assert.Equal($"source {id}", record.Source);
                Assert.Equal(RetrievalContentHash.ForText(id), record.ContentHash);
                Assert.Equal(32, record.Embedding.Length);
            }

            // The vectors are intact where the records are: a sample finds itself first.
            foreach (var id in acknowledged.Except(deleted).Take(20))
            {
                var record = (await store.GetAsync(id))!;
                var top = await store.SearchAsync(record.Embedding, new RetrievalSearchOptions { Top = 1 });
                Assert.Equal(1f, top[0].Score, 3);
            }

            long count = await store.CountAsync();
            Assert.True(count >= acknowledged.Count - deleted.Count, $"count {count} < {acknowledged.Count - deleted.Count} acknowledged live records");
        }
    }
}
