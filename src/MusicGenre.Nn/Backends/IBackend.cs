using MusicGenre.Nn.Tensors;

namespace MusicGenre.Nn.Backends;

/// <summary>
/// The compute engine behind layers and optimizers. One interface, two implementations: <see cref="Cpu.CpuBackend"/>
/// (SIMD, multi-threaded, bitwise deterministic for a fixed thread count) and the ILGPU backend (CUDA/OpenCL, data stays
/// on the device for a whole training step). Create one with <see cref="BackendFactory.Create"/>.
/// <para>Conventions for every operation: all tensors belong to this backend; parameter order is source → sizes →
/// destination; destinations are fully overwritten (gradients are <b>written, not accumulated</b>); a destination never
/// aliases a source unless the method says so. Shapes are given as comments, e.g. <c>// [N, C, H, W]</c>.</para>
/// </summary>
internal interface IBackend : IDisposable
{
    /// <summary>Human-readable description, e.g. <c>cpu (2 threads, Vector256)</c>.</summary>
    string Name { get; }

    /// <summary>Which device kind this is (never <see cref="DeviceKind.Auto"/>).</summary>
    DeviceKind Kind { get; }

    // ---- storage ----

    /// <summary>A new zero-filled tensor.</summary>
    Tensor Allocate(Shape shape);

    /// <summary>A new tensor holding a copy of <paramref name="data"/> (row-major, exactly <c>shape.Length</c> elements).</summary>
    Tensor FromHost(ReadOnlySpan<float> data, Shape shape);

    /// <summary>Sets every element of <paramref name="destination"/> to <paramref name="value"/>.</summary>
    void Fill(Tensor destination, float value);

    /// <summary>Copies <paramref name="source"/> into <paramref name="destination"/> (same element count).</summary>
    void Copy(Tensor source, Tensor destination);

    /// <summary>Waits until all queued work has finished (a no-op on the CPU).</summary>
    void Synchronize();

    // ---- convolution: x [N, InC, InH, InW], w [OutC, InC, KH, KW], b [OutC], y [N, OutC, OutH, OutW] ----

    /// <summary>y = conv(x, w) + b (cross-correlation with zero padding; <paramref name="b"/> may be null).</summary>
    void Conv2dForward(Tensor x, Tensor w, Tensor? b, in Conv2dGeometry g, Tensor y);

    /// <summary>
    /// Gradients of <see cref="Conv2dForward"/>: <paramref name="dx"/> (skipped when null, e.g. for the first layer),
    /// <paramref name="dw"/> and <paramref name="db"/> (skipped when null) from <paramref name="dy"/>.
    /// </summary>
    void Conv2dBackward(Tensor x, Tensor w, Tensor dy, in Conv2dGeometry g, Tensor? dx, Tensor dw, Tensor? db);

    // ---- max pooling: x [N, C, InH, InW], y [N, C, OutH, OutW] ----

    /// <summary>y = max over each (clipped) window; NaN propagates; ties pick the first position in row-major order.</summary>
    void MaxPool2dForward(Tensor x, in Pool2dGeometry g, Tensor y);

    /// <summary>dx = dy routed to each window's arg-max (recomputed from <paramref name="x"/>, same tie rule), summed where windows overlap.</summary>
    void MaxPool2dBackward(Tensor x, Tensor dy, in Pool2dGeometry g, Tensor dx);

    // ---- batch normalisation over (N, H, W) per channel: x, y [N, C, H, W]; gamma, beta, stats [C] ----

    /// <summary>
    /// Train mode: normalises with the batch mean and <b>biased</b> variance, writes <paramref name="saveMean"/> and
    /// <paramref name="saveInvStd"/> = 1/sqrt(var + eps) for the backward pass, and updates the running statistics in place:
    /// running = (1 − momentum)·running + momentum·batch, with the <b>unbiased</b> variance for <paramref name="runningVar"/>.
    /// </summary>
    void BatchNormForwardTrain(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
        float momentum, float eps, Tensor y, Tensor saveMean, Tensor saveInvStd);

    /// <summary>Eval mode: y = gamma·(x − runningMean)/sqrt(runningVar + eps) + beta.</summary>
    void BatchNormForwardEval(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float eps, Tensor y);

    /// <summary>Train-mode gradients: dx, dgamma = Σ dy·x̂, dbeta = Σ dy (sums over N, H, W).</summary>
    void BatchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor saveMean, Tensor saveInvStd,
        Tensor dx, Tensor dgamma, Tensor dbeta);

    // ---- elementwise ----

    /// <summary>y = max(x, 0) (NaN propagates). <paramref name="y"/> may alias <paramref name="x"/>.</summary>
    void ReluForward(Tensor x, Tensor y);

    /// <summary>dx = dy where y &gt; 0, else 0 (from the forward output <paramref name="y"/>). <paramref name="dx"/> may alias <paramref name="dy"/>.</summary>
    void ReluBackward(Tensor y, Tensor dy, Tensor dx);

    /// <summary>
    /// Inverted dropout: mask[i] = <see cref="DropoutMask.Keep"/>(seed, i, keepProbability) ? 1/keep : 0 and y = x·mask.
    /// The mask is a pure function of (seed, index), identical on every backend.
    /// </summary>
    void DropoutForward(Tensor x, float keepProbability, ulong seed, Tensor mask, Tensor y);

    /// <summary>dx = dy·mask. <paramref name="dx"/> may alias <paramref name="dy"/>.</summary>
    void DropoutBackward(Tensor dy, Tensor mask, Tensor dx);

    // ---- global pooling: x [N, C, H, W], y [N, C] ----

    /// <summary>y[n, c] = mean over (H, W).</summary>
    void GlobalAvgPoolForward(Tensor x, Tensor y);

    /// <summary>dx[n, c, h, w] = dy[n, c] / (H·W).</summary>
    void GlobalAvgPoolBackward(Tensor dy, Tensor dx);

    /// <summary>y[n, c] = max over (H, W) (first position wins ties).</summary>
    void GlobalMaxPoolForward(Tensor x, Tensor y);

    /// <summary>dx = dy at each (n, c)'s arg-max (recomputed from <paramref name="x"/>), 0 elsewhere.</summary>
    void GlobalMaxPoolBackward(Tensor x, Tensor dy, Tensor dx);

    // ---- dense: x [N, In], w [Out, In], b [Out], y [N, Out] ----

    /// <summary>y = x·wᵀ + b (<paramref name="b"/> may be null), as PyTorch <c>Linear</c>.</summary>
    void DenseForward(Tensor x, Tensor w, Tensor? b, Tensor y);

    /// <summary>dx = dy·w (skipped when null), dw = dyᵀ·x, db = Σₙ dy (skipped when null).</summary>
    void DenseBackward(Tensor x, Tensor w, Tensor dy, Tensor? dx, Tensor dw, Tensor? db);

    // ---- softmax cross-entropy: logits, probs, dlogits [N, K]; labels [N] in 0..K−1 ----

    /// <summary>probs = softmax(logits) per row (max-subtracted).</summary>
    void Softmax(Tensor logits, Tensor probs);

    /// <summary>Writes softmax probabilities and returns the mean cross-entropy −(1/N)·Σ log p[n, label n].</summary>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside 0..K−1.</exception>
    float SoftmaxCrossEntropyForward(Tensor logits, ReadOnlySpan<int> labels, Tensor probs);

    /// <summary>dlogits = (probs − onehot(labels)) / N, the gradient of the mean loss.</summary>
    void SoftmaxCrossEntropyBackward(Tensor probs, ReadOnlySpan<int> labels, Tensor dlogits);

    // ---- optimizer updates (in place on the parameter and state tensors, all of one shape) ----

    /// <summary>
    /// PyTorch SGD: g' = g + weightDecay·p; velocity = momentum·velocity + g' (velocity starts at 0, so the first step
    /// gives velocity = g'); p −= lr·velocity. With momentum 0 the velocity is still written.
    /// </summary>
    void SgdStep(Tensor p, Tensor g, Tensor velocity, float learningRate, float momentum, float weightDecay);

    /// <summary>
    /// One Adam/AdamW step (see <see cref="AdamStepParameters"/>): decoupled decay p *= 1 − lr·wd first (AdamW) or
    /// g += wd·p (Adam with L2); m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²;
    /// p −= (lr / (1 − β1ᵗ))·m / (sqrt(v)/sqrt(1 − β2ᵗ) + eps).
    /// </summary>
    void AdamStep(Tensor p, Tensor g, Tensor m, Tensor v, in AdamStepParameters hp);

    /// <summary>Σ x² in double, in a fixed order (deterministic), for gradient-norm clipping.</summary>
    double SumOfSquares(Tensor x);

    /// <summary>x *= factor in place.</summary>
    void Scale(Tensor x, float factor);
}
