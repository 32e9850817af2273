namespace MusicGenre.TestSupport;

/// <summary>
/// An <see cref="IProgress{T}"/> that runs its handler synchronously on the reporting thread (Progress&lt;T&gt; posts), one
/// report at a time: the one every test uses.
/// </summary>
public sealed class SyncProgress<T>(Action<T> handler) : IProgress<T>
{
    private readonly Lock _gate = new();

    public void Report(T value)
    {
        lock (_gate) handler(value);
    }
}
