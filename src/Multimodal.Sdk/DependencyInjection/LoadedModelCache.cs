namespace Multimodal.Sdk;

/// <summary>
/// Loaded models shared by the pipelines of one container: visual QA and vision chat over the same folder hold one
/// set of ONNX Runtime sessions, not two. Each pipeline takes a lease; the model is disposed when its last lease is,
/// and whatever is left when the container disposes the cache.
/// </summary>
/// <remarks>
/// Keyed by model type and full path. Every pipeline of a container gets its sessions from the container's one
/// session factory, so the options behind a key are the same. Safe for concurrent use; a model is loaded once even
/// when two pipelines are resolved at the same time.
/// </remarks>
internal sealed class LoadedModelCache : IDisposable
{
    private readonly Dictionary<(Type Type, string Path), Entry> _entries = [];
    private readonly Lock _gate = new();
    private bool _disposed;

    /// <summary>Gets how many models this cache has loaded (tests prove sharing with it).</summary>
    public int Loads { get; private set; }

    /// <summary>Takes a lease on the model of <paramref name="path"/>, loading it with <paramref name="load"/> when no pipeline holds it.</summary>
    /// <exception cref="ObjectDisposedException">The container has been disposed.</exception>
    public ModelLease<T> Acquire<T>(string path, Func<T> load)
        where T : class, IDisposable
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(load);
        var key = (typeof(T), Path.GetFullPath(path));
        Entry entry;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_entries.TryGetValue(key, out entry!))
            {
                entry = new Entry(new Lazy<IDisposable>(
                    () =>
                    {
                        var model = load();
                        lock (_gate)
                        {
                            Loads++;
                        }

                        return model;
                    },
                    LazyThreadSafetyMode.ExecutionAndPublication));
                _entries[key] = entry;
            }

            entry.References++;
        }

        try
        {
            return new ModelLease<T>((T)entry.Model.Value, () => Release(key, entry));
        }
        catch
        {
            Release(key, entry);
            throw;
        }
    }

    public void Dispose()
    {
        List<Entry> left;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            left = [.. _entries.Values];
            _entries.Clear();
        }

        foreach (var entry in left)
        {
            if (entry.Model.IsValueCreated)
            {
                entry.Model.Value.Dispose();
            }
        }
    }

    private void Release((Type, string) key, Entry entry)
    {
        lock (_gate)
        {
            if (--entry.References > 0 || !_entries.TryGetValue(key, out var current) || !ReferenceEquals(current, entry))
            {
                return;
            }

            _entries.Remove(key);
        }

        // A load that failed is forgotten, so the next pipeline tries again.
        if (entry.Model.IsValueCreated)
        {
            entry.Model.Value.Dispose();
        }
    }

    private sealed class Entry(Lazy<IDisposable> model)
    {
        public Lazy<IDisposable> Model { get; } = model;

        public int References { get; set; }
    }
}

/// <summary>One pipeline's hold on a shared model; disposing it releases the hold (once).</summary>
internal sealed class ModelLease<T>(T value, Action release) : IDisposable
    where T : class
{
    private Action? _release = release;

    public T Value { get; } = value;

    public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
}
