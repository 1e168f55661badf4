using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Multimodal.Sdk;

// The .NET side of tools/bench/speech.sh, through the public ISpeechRecognizer only.
//   rtf    --model DIR [--threads N] [--repeat R] [--language en] FILE...   one JSON line per file
//   memory --model DIR [--threads N] [--count 100] [--language en] FILE       one JSON line per transcription, then a summary
// Times cover TranscribeAsync alone (the WAV is decoded before the clock starts), after one warm-up call, as the
// Node side does.
var args2 = new Queue<string>(args);
if (args2.Count == 0)
{
    Console.Error.WriteLine("usage: SpeechBench rtf|memory --model DIR [--threads N] [--repeat R] [--count N] [--language CODE] FILE...");
    return 2;
}

string command = args2.Dequeue();
string model = "models/tiny-whisper";
int threads = 1, repeat = 1, count = 100;
string language = "en";
var files = new List<string>();
while (args2.Count > 0)
{
    string a = args2.Dequeue();
    switch (a)
    {
        case "--model": model = args2.Dequeue(); break;
        case "--threads": threads = int.Parse(args2.Dequeue(), CultureInfo.InvariantCulture); break;
        case "--repeat": repeat = int.Parse(args2.Dequeue(), CultureInfo.InvariantCulture); break;
        case "--count": count = int.Parse(args2.Dequeue(), CultureInfo.InvariantCulture); break;
        case "--language": language = args2.Dequeue(); break;
        default: files.Add(a); break;
    }
}

// Timestamps on: audio longer than one window is always decoded with timestamps (seeking needs them), and the
// transformers.js side is asked for them too, so both return timed segments.
var options = new SpeechRecognitionOptions { Language = language, Timestamps = true };
using ISpeechRecognizer recognizer = new WhisperRecognizer(model, new MultimodalOptions { IntraOpThreads = threads, InterOpThreads = 1 });
var json = new JsonSerializerOptions { WriteIndented = false };
var first = AudioFile.Read(files[0]);
await recognizer.TranscribeAsync(new AudioData(first.Samples[..Math.Min(first.Samples.Length, first.SampleRate)], first.SampleRate), options);

if (command == "rtf")
{
    foreach (string file in files)
    {
        var audio = AudioFile.Read(file);
        var seconds = new List<double>();
        SpeechRecognitionResult? result = null;
        for (int r = 0; r < repeat; r++)
        {
            long start = Stopwatch.GetTimestamp();
            result = await recognizer.TranscribeAsync(audio, options);
            seconds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        seconds.Sort();
        double median = seconds[seconds.Count / 2];
        Console.WriteLine(JsonSerializer.Serialize(
            new
            {
                side = "dotnet",
                file = Path.GetFileName(file),
                audio_s = audio.Duration.TotalSeconds,
                runs_s = seconds,
                median_s = median,
                rtf = median / audio.Duration.TotalSeconds,
                segments = result!.Segments.Count,
                text = result.Text,
            },
            json));
    }

    return 0;
}

if (command == "memory")
{
    var audio = AudioFile.Read(files[0]);
    var heap = new double[count];
    var workingSet = new double[count];
    using var process = Process.GetCurrentProcess();
    string? firstText = null;
    int sameText = 0;
    for (int i = 0; i < count; i++)
    {
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var result = await recognizer.TranscribeAsync(audio, options);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        firstText ??= result.Text;
        sameText += result.Text == firstText ? 1 : 0;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        process.Refresh();
        heap[i] = GC.GetTotalMemory(forceFullCollection: false);
        workingSet[i] = process.WorkingSet64;
        Console.WriteLine(JsonSerializer.Serialize(new { side = "dotnet", i, heap_bytes = heap[i], working_set_bytes = workingSet[i], allocated_bytes = allocated }, json));
    }

    // Least-squares slope over the second half, after the pools, the ORT arena and the JIT have settled.
    static double Slope(double[] y, int from)
    {
        int n = y.Length - from;
        double mx = 0, my = 0;
        for (int i = from; i < y.Length; i++)
        {
            mx += i;
            my += y[i];
        }

        mx /= n;
        my /= n;
        double sxy = 0, sxx = 0;
        for (int i = from; i < y.Length; i++)
        {
            sxy += (i - mx) * (y[i] - my);
            sxx += (i - mx) * (i - mx);
        }

        return sxx == 0 ? 0 : sxy / sxx;
    }

    Console.WriteLine(JsonSerializer.Serialize(
        new
        {
            side = "dotnet",
            summary = true,
            file = Path.GetFileName(files[0]),
            audio_s = audio.Duration.TotalSeconds,
            count,
            same_text = sameText,
            heap_first = heap[0],
            heap_last = heap[^1],
            heap_max = heap.Max(),
            heap_slope_bytes_per_call_all = Slope(heap, 0),
            heap_slope_bytes_per_call_second_half = Slope(heap, count / 2),
            working_set_first = workingSet[0],
            working_set_last = workingSet[^1],
            working_set_max = workingSet.Max(),
            working_set_slope_bytes_per_call_all = Slope(workingSet, 0),
            working_set_slope_bytes_per_call_second_half = Slope(workingSet, count / 2),
        },
        json));
    return 0;
}

Console.Error.WriteLine($"unknown command '{command}'");
return 2;
