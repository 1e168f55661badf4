using System.IO.Pipes;
using System.Runtime.InteropServices;

namespace Multimodal.Sdk;

/// <summary>
/// Grows a Linux pipe's kernel buffer (64 KiB by default) so ffmpeg writes several whole frames before it blocks and
/// each read takes a frame or more at once: a 320x240 frame is 230 KB, four pipe-fulls and four wake-ups of each side
/// at the default size.
/// </summary>
/// <remarks>Stateless; safe for concurrent use. Does nothing elsewhere, or when the system refuses (the size is capped by <c>/proc/sys/fs/pipe-max-size</c>, 1 MiB by default).</remarks>
internal static partial class PipeBuffer
{
    /// <summary>The size asked for: the default <c>pipe-max-size</c>, so an unprivileged process gets it.</summary>
    public const int Size = 1 << 20;

    private const int SetPipeSize = 1031; // F_SETPIPE_SZ

    /// <summary>Asks for a <see cref="Size"/> buffer on the pipe behind <paramref name="stream"/>; a refusal leaves it as it was.</summary>
    /// <param name="stream">A child process's redirected stdout.</param>
    /// <returns>Whether the buffer was grown.</returns>
    public static bool TryGrow(Stream stream)
    {
        if (!OperatingSystem.IsLinux() || stream is not PipeStream pipe)
        {
            return false;
        }

        try
        {
            return Fcntl(pipe.SafePipeHandle, SetPipeSize, Size) >= Size;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "fcntl")]
    private static partial int Fcntl(Microsoft.Win32.SafeHandles.SafePipeHandle fd, int command, int argument);
}
