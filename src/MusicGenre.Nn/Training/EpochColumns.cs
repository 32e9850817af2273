namespace MusicGenre.Nn.Training;

/// <summary>
/// The columns of a training run's per-epoch history, in order: one table for every place that stores or shows it —
/// the checkpoint's <c>/progress/history</c>, the model file's <c>/training/history</c> (all but <c>epoch</c>, which is
/// the row's index there), <c>train --history</c>'s CSV and <c>musicgenre info</c> — so their names and order agree.
/// </summary>
internal static class EpochColumns
{
    /// <summary>One column: its name in files and output, and how an epoch's value is read.</summary>
    internal readonly record struct Column(string Name, Func<EpochMetrics, double> Value, bool IsInteger = false);

    /// <summary>epoch, train_loss, train_accuracy, val_loss, val_accuracy (NaN without validation), learning_rate, seconds, best (1 or 0).</summary>
    public static IReadOnlyList<Column> All { get; } =
    [
        new("epoch", e => e.Epoch, IsInteger: true),
        new("train_loss", e => e.TrainLoss),
        new("train_accuracy", e => e.TrainAccuracy),
        new("val_loss", e => e.ValidationLoss),
        new("val_accuracy", e => e.ValidationAccuracy),
        new("learning_rate", e => e.LearningRate),
        new("seconds", e => e.Elapsed.TotalSeconds),
        new("best", e => e.IsBest ? 1 : 0, IsInteger: true),
    ];

    /// <summary>The column names, in order.</summary>
    public static IEnumerable<string> Names => All.Select(c => c.Name);

    /// <summary>An epoch back from its column values (<paramref name="value"/> by column name); <c>Epochs</c> is 0.</summary>
    public static EpochMetrics FromValues(Func<string, double> value) => new(
        (int)value("epoch"), 0, value("train_loss"), value("train_accuracy"), value("val_loss"), value("val_accuracy"),
        (float)value("learning_rate"), value("best") != 0, TimeSpan.FromSeconds(value("seconds")));

    /// <summary>
    /// The rows of <paramref name="epochs"/> as name → value (null where a value is not finite, e.g. validation of a run
    /// without a validation split), in column order.
    /// </summary>
    public static List<Dictionary<string, double?>> Rows(IEnumerable<EpochMetrics> epochs) =>
        epochs.Select(e => All.ToDictionary(c => c.Name, c => c.Value(e) is var v && double.IsFinite(v) ? v : (double?)null)).ToList();
}
