namespace MusicGenre.Pipeline.Preprocess;

/// <summary>
/// Altered copies of each song that <c>preprocess --copies</c> adds to a training store, so a model learns what the
/// same music sounds like through a worse chain. A copy is stored as its own song, id <c>&lt;song id&gt;#&lt;copy&gt;</c>
/// (<see cref="SongCopies.Id"/>), with the same genre and artist; training splits and cross-validation folds keep it
/// with its original (<see cref="SongCopies.BaseId"/>), and cross-validation scores originals only.
/// </summary>
public enum SongCopy
{
    /// <summary>
    /// <c>clip</c>: the song made 6–12 dB louder (drawn per song from its id) and hard-clipped to ±1, like a file that was
    /// normalised or boosted past full scale.
    /// </summary>
    Clip,
}
