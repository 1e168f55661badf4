namespace Multimodal.Sdk;

/// <summary>
/// One detection over a signal that arrives block by block (a decoder's output): the Silero graph and the region
/// tracker, with the settled regions in samples at the input's rate and the earliest sample a region still to come
/// can start at, so the caller keeps only the audio it may still need.
/// </summary>
/// <remarks>Not safe for concurrent use: one per stream.</remarks>
internal sealed class SileroVadPass : IDisposable
{
    private readonly SileroVadStream _stream;
    private readonly SpeechRegionTracker _tracker;
    private readonly List<float> _probabilities = [];
    private readonly List<SampleRegion> _settled = [];
    private long _inputLength;

    public SileroVadPass(SileroVadStream stream, VoiceActivityOptions options)
    {
        _stream = stream;
        _tracker = new SpeechRegionTracker(options, stream.SampleRate, stream.Window);
    }

    /// <summary>Gets the earliest input sample a region not yet returned can start at.</summary>
    public long EarliestPendingStart => ToInput(_tracker.EarliestPendingStart);

    /// <summary>Feeds samples; adds every region settled by them to <paramref name="regions"/> (start and end in input samples).</summary>
    public void Process(ReadOnlySpan<float> samples, List<SampleRegion> regions)
    {
        _inputLength += samples.Length;
        _stream.Process(samples, _probabilities);
        Settle(regions, finish: false);
    }

    /// <summary>Ends the signal; adds the remaining regions to <paramref name="regions"/>.</summary>
    public void Finish(List<SampleRegion> regions)
    {
        _stream.Finish(_probabilities);
        Settle(regions, finish: true);
    }

    public void Dispose() => _stream.Dispose();

    private void Settle(List<SampleRegion> regions, bool finish)
    {
        foreach (float p in _probabilities)
        {
            _tracker.Push(p, _settled);
        }

        _probabilities.Clear();
        if (finish)
        {
            _tracker.Finish(_stream.ModelLength(_inputLength), _settled);
        }

        foreach (var r in _settled)
        {
            regions.Add(r with { Start = ToInput(r.Start), End = ToInput(r.End) });
        }

        _settled.Clear();
    }

    private long ToInput(long modelSample) =>
        _stream.InputRate == _stream.SampleRate ? modelSample : (long)Math.Floor((double)modelSample * _stream.InputRate / _stream.SampleRate);
}
