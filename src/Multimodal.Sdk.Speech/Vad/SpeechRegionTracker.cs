namespace Multimodal.Sdk;

/// <summary>A speech region in samples at the model's rate, padding applied.</summary>
internal readonly record struct SampleRegion(long Start, long End, float Probability);

/// <summary>
/// silero-vad's <c>get_speech_timestamps</c> region logic, fed one window probability at a time so regions come out
/// while the audio is still being read: hysteresis between the threshold and the negative threshold, the minimum
/// silence that ends a region, the minimum speech kept, splitting at a pause (or a hard cut) past the maximum
/// duration, then the padding. Every comparison and rounding is the reference's, so regions are identical to it
/// sample for sample.
/// </summary>
/// <remarks>
/// Padding a region needs the start of the next one (two regions closer than twice the padding share the gap), so
/// one settled region is held back until the next one settles or <see cref="Finish"/> is called. Memory is
/// bounded by the pauses inside the current region (candidate split points), whatever the audio length.
/// Not safe for concurrent use: one per detection call.
/// </remarks>
internal sealed class SpeechRegionTracker
{
    private readonly int _window;
    private readonly double _threshold;
    private readonly double _negativeThreshold;
    private readonly double _minSpeech;
    private readonly double _minSilence;
    private readonly double _maxSpeech;
    private readonly double _minSilenceAtMaxSpeech;
    private readonly double _pad;
    private readonly bool _splitAtLongest;
    private readonly List<Pause> _pauses = [];

    private long _index;
    private double _sum;
    private bool _triggered;
    private long _tempEnd;
    private double _sumAtTempEnd;
    private bool _inRegion;
    private long _start;
    private double _sumAtStart;
    private SampleRegion? _held;
    private bool _emittedAny;
    private bool _padNextStart;

    public SpeechRegionTracker(VoiceActivityOptions options, int sampleRate, int window)
    {
        _window = window;
        _threshold = options.Threshold;
        _negativeThreshold = options.NegativeThreshold ?? Math.Max(_threshold - 0.15, 0.01);
        _minSpeech = Samples(options.MinSpeechDuration, sampleRate);
        _minSilence = Samples(options.MinSilenceDuration, sampleRate);
        _pad = Samples(options.SpeechPadding, sampleRate);
        _maxSpeech = options.MaxSpeechDuration is { } max ? Samples(max, sampleRate) - window - (2 * _pad) : double.PositiveInfinity;
        _minSilenceAtMaxSpeech = Samples(options.MinSilenceAtMaxSpeech, sampleRate);
        _splitAtLongest = options.SplitAtLongestSilence;
    }

    /// <summary>Gets the number of window probabilities pushed so far.</summary>
    public long Windows => _index;

    /// <summary>Checks options the way every detector must before it runs a model.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static void Validate(VoiceActivityOptions options)
    {
        if (!(options.Threshold > 0 && options.Threshold <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Threshold, "VoiceActivityOptions.Threshold must be in (0, 1].");
        }

        if (options.NegativeThreshold is { } negative && !(negative >= 0 && negative <= options.Threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(options), negative, $"VoiceActivityOptions.NegativeThreshold must be in [0, Threshold = {options.Threshold}].");
        }

        NotNegative(options.MinSpeechDuration, nameof(options.MinSpeechDuration));
        NotNegative(options.MinSilenceDuration, nameof(options.MinSilenceDuration));
        NotNegative(options.SpeechPadding, nameof(options.SpeechPadding));
        NotNegative(options.MinSilenceAtMaxSpeech, nameof(options.MinSilenceAtMaxSpeech));
        if (options.MaxSpeechDuration is { } max && max <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), max, "VoiceActivityOptions.MaxSpeechDuration must be positive (or null for no limit).");
        }

        static void NotNegative(TimeSpan value, string name)
        {
            if (value < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(options), value, $"VoiceActivityOptions.{name} must not be negative.");
            }
        }
    }

    /// <summary>
    /// Gets the earliest sample a region not yet settled can start at (padding included): the region held back for its
    /// end padding, else the one in progress, else the current window. Audio before it is never part of a later region,
    /// so a streaming caller may drop it.
    /// </summary>
    public long EarliestPendingStart => _held is { } held ? held.Start
        : (long)Math.Max(0, (_inRegion ? _start : _window * _index) - _pad);

    /// <summary>Takes the next window's speech probability; adds every region that is now settled to <paramref name="settled"/>.</summary>
    public void Push(float probability, List<SampleRegion> settled)
    {
        PushWindow(probability, settled);
        ReleaseHeld(settled);
    }

    // The held region waits for the next one only to split the padding between them when they are closer than twice
    // the padding. Once no later region can start that close (silence has gone on for twice the padding), its end is
    // known: settle it now, so that a stream does not keep it, and the audio since, until the next speech (hours of
    // silence). The next region then gets the full padding in front, as it would have from End.
    private void ReleaseHeld(List<SampleRegion> settled)
    {
        long position = _window * (_index - 1);
        if (_held is { } held && (_inRegion ? _start : position) - held.End >= 2 * _pad)
        {
            settled.Add(held with { End = (long)(held.End + _pad) });
            _held = null;
            _padNextStart = true;
        }
    }

    private void PushWindow(float probability, List<SampleRegion> settled)
    {
        long i = _index++;
        double sumBefore = _sum;
        _sum += probability;
        long position = _window * i;

        if (probability >= _threshold && _tempEnd != 0)
        {
            long silence = position - _tempEnd;
            if (silence > _minSilenceAtMaxSpeech)
            {
                _pauses.Add(new Pause(_tempEnd, silence, _sumAtTempEnd, sumBefore));
            }

            _tempEnd = 0;
        }

        if (probability >= _threshold && !_triggered)
        {
            _triggered = true;
            Begin(position, sumBefore);
            return;
        }

        if (_triggered && position - _start > _maxSpeech)
        {
            if (_pauses.Count > 0)
            {
                var pause = _splitAtLongest ? Longest(_pauses) : _pauses[^1];
                End(pause.End, pause.SumAtEnd, settled);
                long nextStart = pause.End + pause.Duration;
                if (nextStart < pause.End + position)
                {
                    Begin(nextStart, pause.SumAtResume);
                }
                else
                {
                    _triggered = false;
                }

                _pauses.RemoveAll(p => p.End <= nextStart);
                _tempEnd = 0;
            }
            else
            {
                End(position, sumBefore, settled);
                _tempEnd = 0;
                _triggered = false;
                _pauses.Clear();
                return;
            }
        }

        if (probability < _negativeThreshold && _triggered)
        {
            if (_tempEnd == 0)
            {
                _tempEnd = position;
                _sumAtTempEnd = sumBefore;
            }

            if (position - _tempEnd < _minSilence)
            {
                return;
            }

            if (_tempEnd - _start > _minSpeech)
            {
                End(_tempEnd, _sumAtTempEnd, settled);
            }
            else
            {
                _inRegion = false;
            }

            _tempEnd = 0;
            _triggered = false;
            _pauses.Clear();
        }
    }

    /// <summary>Ends the audio after <paramref name="length"/> samples; adds the remaining regions to <paramref name="settled"/>.</summary>
    public void Finish(long length, List<SampleRegion> settled)
    {
        if (_inRegion && length - _start > _minSpeech)
        {
            End(length, _sum, settled);
        }

        if (_held is { } last)
        {
            settled.Add(last with { End = (long)Math.Min(length, last.End + _pad) });
            _held = null;
        }

        _inRegion = false;
    }

    private static double Samples(TimeSpan duration, int sampleRate) => sampleRate * duration.TotalMilliseconds / 1000;

    // Python's max(key=...) keeps the first of equal maxima.
    private static Pause Longest(List<Pause> pauses)
    {
        var best = pauses[0];
        foreach (var p in pauses)
        {
            if (p.Duration > best.Duration)
            {
                best = p;
            }
        }

        return best;
    }

    private void Begin(long start, double sumBefore)
    {
        _inRegion = true;
        _start = start;
        _sumAtStart = sumBefore;
    }

    // A raw region is settled: pad the one held back (now that the gap to this one is known) and hold this one.
    private void End(long end, double sumAtEnd, List<SampleRegion> settled)
    {
        long windows = Math.Max(1, ((end + _window - 1) / _window) - (_start / _window));
        var region = new SampleRegion(_start, end, (float)((sumAtEnd - _sumAtStart) / windows));
        _inRegion = false;
        if (!_emittedAny)
        {
            region = region with { Start = (long)Math.Max(0, region.Start - _pad) };
            _emittedAny = true;
        }

        if (_held is { } previous)
        {
            long gap = region.Start - previous.End;
            if (gap < 2 * _pad)
            {
                long half = (long)Math.Floor(gap / 2.0);
                settled.Add(previous with { End = previous.End + half });
                region = region with { Start = Math.Max(0, region.Start - half) };
            }
            else
            {
                settled.Add(previous with { End = (long)(previous.End + _pad) });
                region = region with { Start = (long)Math.Max(0, region.Start - _pad) };
            }
        }
        else if (_padNextStart)
        {
            region = region with { Start = (long)Math.Max(0, region.Start - _pad) };
        }

        _padNextStart = false;
        _held = region;
    }

    private readonly record struct Pause(long End, long Duration, double SumAtEnd, double SumAtResume);
}
