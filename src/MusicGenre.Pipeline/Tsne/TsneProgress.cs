namespace MusicGenre.Pipeline.Tsne;

/// <summary>Progress of a t-SNE run.</summary>
/// <param name="Iteration">Iterations done.</param>
/// <param name="Iterations">Iterations in the run.</param>
/// <param name="KlDivergence">KL(P‖Q) of the current layout (with the Barnes-Hut estimate of Q's normaliser).</param>
internal readonly record struct TsneProgress(int Iteration, int Iterations, double KlDivergence);
