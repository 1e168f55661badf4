"""Whisper's log-mel reference (shared/docs/model-contracts.md), in numpy (the reference) and torch
(the same math, used in training).

Periodic Hann window of n_fft, hop 160, reflect padding (center=True), |STFT|^2, last frame dropped,
Slaney mel filters as librosa.filters.mel(htk=False, norm="slaney"), log10(max(x, 1e-10)), clamp to
max - 8, (x + 4) / 4. Audio is padded with zeros (or cut) to n_samples *before* the STFT, as the
Hugging Face WhisperFeatureExtractor does.
"""
import numpy as np

SR, N_FFT, HOP, N_MELS = 16000, 400, 160, 80


def _hz_to_mel(f):
    f = np.asarray(f, dtype=np.float64)
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, np.log(6.4) / 27.0
    return np.where(f >= min_log_hz, min_log_mel + np.log(np.maximum(f, 1e-10) / min_log_hz) / logstep, f / f_sp)


def _mel_to_hz(m):
    m = np.asarray(m, dtype=np.float64)
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, np.log(6.4) / 27.0
    return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), f_sp * m)


def mel_filters(sr=SR, n_fft=N_FFT, n_mels=N_MELS, fmin=0.0, fmax=None):
    """librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels, htk=False, norm='slaney'), float32 [n_mels, 1 + n_fft // 2]."""
    fmax = sr / 2 if fmax is None else fmax
    fftfreqs = np.linspace(0, sr / 2, 1 + n_fft // 2)
    mel_f = _mel_to_hz(np.linspace(_hz_to_mel(fmin), _hz_to_mel(fmax), n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fftfreqs)
    w = np.zeros((n_mels, len(fftfreqs)), dtype=np.float64)
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        w[i] = np.maximum(0, np.minimum(lower, upper))
    w *= (2.0 / (mel_f[2:n_mels + 2] - mel_f[:n_mels]))[:, None]
    return w.astype(np.float32)


def hann_periodic(n):
    return 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)


def log_mel(audio, n_samples=160000, n_mels=N_MELS):
    """Reference log-mel of one clip: float32 [n_mels, n_samples // HOP]."""
    x = np.zeros(n_samples, dtype=np.float64)
    a = np.asarray(audio, dtype=np.float64)[:n_samples]
    x[:len(a)] = a
    xp = np.pad(x, N_FFT // 2, mode="reflect")
    n_frames = 1 + (len(xp) - N_FFT) // HOP
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(n_frames)[:, None]
    spec = np.fft.rfft(xp[idx] * hann_periodic(N_FFT)[None, :], axis=1)
    power = (spec.real ** 2 + spec.imag ** 2)[:-1].T  # [201, frames], last frame dropped
    mel = mel_filters(n_mels=n_mels).astype(np.float64) @ power
    logs = np.log10(np.maximum(mel, 1e-10))
    logs = np.maximum(logs, logs.max() - 8.0)
    return ((logs + 4.0) / 4.0).astype(np.float32)


def torch_log_mel(audio, filters):
    """Batched torch version for training: audio float32 [b, n_samples] (already padded/cut)."""
    import torch
    win = torch.hann_window(N_FFT, periodic=True, dtype=audio.dtype, device=audio.device)
    st = torch.stft(audio, N_FFT, HOP, window=win, center=True, pad_mode="reflect", return_complex=True)
    power = st[..., :-1].abs() ** 2
    mel = torch.matmul(filters, power)
    logs = torch.clamp(mel, min=1e-10).log10()
    mx = logs.amax(dim=(1, 2), keepdim=True)
    logs = torch.maximum(logs, mx - 8.0)
    return (logs + 4.0) / 4.0
