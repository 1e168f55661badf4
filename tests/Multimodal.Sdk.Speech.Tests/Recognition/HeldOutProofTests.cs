using System.Text.Json;
using Xunit.Abstractions;

namespace Multimodal.Sdk.Speech.Tests.Recognition;

/// <summary>
/// Issue 6's proof through the public API (<see cref="ISpeechRecognizer"/>, default options) on a fresh held-out seed:
/// the same WER, language ID and translation as the zoo's PyTorch reference on the same files, long-form times, and
/// silence.
/// </summary>
public sealed class HeldOutProofTests(HeldOutSet set, ITestOutputHelper output) : IClassFixture<HeldOutSet>, IDisposable
{
    private readonly ISpeechRecognizer _recognizer = new WhisperRecognizer(TestData.WhisperPath);

    public void Dispose() => _recognizer.Dispose();

    [Fact]
    public async Task WerAndLanguageIdEqualThePyTorchReferenceWithinHalfAPoint()
    {
        var errors = new Dictionary<string, (int Errors, int Words)> { ["en"] = (0, 0), ["es"] = (0, 0) };
        int languageCorrect = 0, sameAsPyTorch = 0, translated = 0, translatedCorrect = 0;
        var labels = set.Labels("short");
        var pytorch = set.Fixture.GetProperty("pytorch_clips").EnumerateArray().ToDictionary(c => c.GetProperty("file").GetString()!);
        foreach (var label in labels)
        {
            var audio = set.Wav("short", label);
            string language = label.GetProperty("language").GetString()!;
            var result = await _recognizer.TranscribeAsync(audio);
            languageCorrect += result.Language == language ? 1 : 0;
            var (e, n) = Wer.Counts(label.GetProperty("text").GetString()!, result.Text);
            errors[language] = (errors[language].Errors + e, errors[language].Words + n);
            sameAsPyTorch += pytorch[label.GetProperty("file").GetString()!].GetProperty("text").GetString() == result.Text ? 1 : 0;
            if (language == "es")
            {
                var english = await _recognizer.TranscribeAsync(audio, new SpeechRecognitionOptions { Language = "es", Task = SpeechTask.Translate });
                translated++;
                translatedCorrect += english.Text == label.GetProperty("translation").GetString() ? 1 : 0;
            }
        }

        double englishWer = (double)errors["en"].Errors / errors["en"].Words;
        double spanishWer = (double)errors["es"].Errors / errors["es"].Words;
        double languageId = (double)languageCorrect / labels.Count;
        double translation = (double)translatedCorrect / translated;
        output.WriteLine($"held-out seed 9090, {labels.Count} clips: English WER {englishWer:F4}, Spanish WER {spanishWer:F4}, language ID {languageId:F4}, translation exact {translation:F4}, same text as PyTorch {sameAsPyTorch}/{labels.Count}");
        var reference = set.Reference;
        Assert.InRange(englishWer, reference.GetProperty("english_wer").GetDouble() - 0.005, reference.GetProperty("english_wer").GetDouble() + 0.005);
        Assert.InRange(spanishWer, reference.GetProperty("spanish_wer").GetDouble() - 0.005, reference.GetProperty("spanish_wer").GetDouble() + 0.005);
        Assert.InRange(languageId, reference.GetProperty("language_id_accuracy").GetDouble() - 0.005, reference.GetProperty("language_id_accuracy").GetDouble() + 0.005);
        Assert.InRange(translation, reference.GetProperty("translation_exact_match").GetDouble() - 0.005, 1.0);
        Assert.True(sameAsPyTorch >= 0.99 * labels.Count, $"{sameAsPyTorch} of {labels.Count} transcripts equal PyTorch's");
    }

    [Fact]
    public async Task LongFormSegmentTimesAreWithinTwoTenthsOfASecondForNinetyPercentOfUtterances()
    {
        // The defaults decode as the reference does: without previous-text prompts (tiny-whisper learnt them as plain
        // text, no timestamps, at most 30 tokens, not the timestamped prompts openai/whisper feeds).
        var reference = await MatchedShareAsync(new SpeechRecognitionOptions { Timestamps = true });
        var prompted = await MatchedShareAsync(new SpeechRecognitionOptions { Timestamps = true, ConditionOnPreviousText = true });
        output.WriteLine($"held-out seed 9090, long files: {reference.Matched}/{reference.Utterances} utterances within 0.2 s with the defaults, {prompted.Matched}/{prompted.Utterances} with previous-text prompts (PyTorch {set.Reference.GetProperty("long_form_segments_within_0.2s").GetDouble():F4})");
        Assert.True(reference.Matched >= 0.9 * reference.Utterances, $"{reference.Matched} of {reference.Utterances} utterances have a segment within 0.2 s");

        // docs/speech.md records 18 of 79 with prompts, the reason the default is off. Decoding is deterministic for this
        // model (models/README.md), so only float rounding between machines can move a boundary case: +-3 utterances.
        Assert.Equal(reference.Utterances, prompted.Utterances);
        Assert.True(prompted.Matched is >= 18 - 3 and <= 18 + 3, $"{prompted.Matched} of {prompted.Utterances} utterances within 0.2 s with previous-text prompts; docs/speech.md says 18 of 79: update it if the model changed");
        Assert.True(prompted.Matched < reference.Matched, $"prompted {prompted.Matched} is not worse than the defaults' {reference.Matched}: the default of ConditionOnPreviousText needs revisiting");
    }

    [Fact]
    public async Task LongFormSegmentTimesHoldWhenPausesAreMeasuredSpeechToSpeech()
    {
        // The same kind of files with each 0.3..3 s pause counted from one utterance's speech to the next (zoo-worlds.md
        // read literally; an outside checker generated them so): the model trained only on pauses that follow espeak-ng's
        // own trailing silence timed 88% of such utterances in PyTorch, and lost words beside pauses under ~0.6 s.
        var result = await MatchedShareAsync(new SpeechRecognitionOptions { Timestamps = true }, "long-gaps");
        output.WriteLine($"held-out seed 9090, long files with speech-to-speech pauses: {result.Matched}/{result.Utterances} utterances within 0.2 s");
        Assert.True(result.Matched >= 0.9 * result.Utterances, $"{result.Matched} of {result.Utterances} utterances have a segment within 0.2 s");
    }

    private async Task<(int Matched, int Utterances)> MatchedShareAsync(SpeechRecognitionOptions options, string part = "long")
    {
        int matched = 0, utterances = 0;
        foreach (var label in set.Labels(part))
        {
            var result = await _recognizer.TranscribeAsync(set.Wav(part, label), options);
            var used = new HashSet<int>();
            foreach (var reference in label.GetProperty("segments").EnumerateArray())
            {
                utterances++;
                double start = reference.GetProperty("start").GetDouble(), end = reference.GetProperty("end").GetDouble();
                int j = Enumerable.Range(0, result.Segments.Count).FirstOrDefault(
                    k => !used.Contains(k) && Math.Abs(result.Segments[k].Start.TotalSeconds - start) <= 0.2 && Math.Abs(result.Segments[k].End.TotalSeconds - end) <= 0.2, -1);
                if (j >= 0)
                {
                    used.Add(j);
                    matched++;
                }
            }
        }

        return (matched, utterances);
    }

    [Fact]
    public async Task NoSpeechClipsGiveEmptyText()
    {
        var labels = set.Labels("nospeech");
        var texts = new List<string>();
        foreach (var label in labels)
        {
            texts.Add((await _recognizer.TranscribeAsync(set.Wav("nospeech", label))).Text);
        }

        output.WriteLine($"held-out seed 9090: {texts.Count(t => t.Length == 0)}/{labels.Count} no-speech clips give empty text");
        Assert.All(texts, t => Assert.Equal(string.Empty, t));
    }

    private static class Wer
    {
        // Word-level Levenshtein distance, as tools/zoo/speech/common.py wer_counts.
        public static (int Errors, int Words) Counts(string reference, string hypothesis)
        {
            var r = reference.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var h = hypothesis.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var d = Enumerable.Range(0, h.Length + 1).ToArray();
            for (int i = 1; i <= r.Length; i++)
            {
                int previous = d[0];
                d[0] = i;
                for (int k = 1; k <= h.Length; k++)
                {
                    int current = Math.Min(Math.Min(d[k] + 1, d[k - 1] + 1), previous + (r[i - 1] == h[k - 1] ? 0 : 1));
                    previous = d[k];
                    d[k] = current;
                }
            }

            return (d[h.Length], r.Length);
        }
    }
}
