using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace MusicGenre.Pipeline.Tsne;

/// <summary>
/// Barnes-Hut quadtree over 2-D points: every cell keeps its point count and centre of mass, so far-away groups can be
/// treated as one body. Leaves hold one point, or several at the same position (or below <see cref="MaxDepth"/>).
/// Built once per iteration; queries are read-only and safe to run in parallel.
/// </summary>
internal sealed class QuadTree
{
    /// <summary>Deepest subdivision; nearly coincident points below it share a leaf.</summary>
    public const int MaxDepth = 48;

    private Node[] _nodes;
    private int _used;

    /// <summary>Builds the tree over <paramref name="y"/> (row-major <c>[n, 2]</c>).</summary>
    public QuadTree(ReadOnlySpan<double> y)
    {
        _nodes = new Node[Math.Max(16, 2 * (y.Length / 2))];
        Build(y);
    }

    /// <summary>
    /// Rebuilds the tree over a new layout, reusing the cell storage (t-SNE rebuilds every iteration; fresh large
    /// arrays each time would land on the large-object heap and trigger full collections).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call (see ISimdOps)
    public void Build(ReadOnlySpan<double> y)
    {
        int n = y.Length / 2;
        if (_nodes.Length < 2 * n)
            _nodes = new Node[2 * n];

        // 1. Root cell: the bounding box, padded so points on the far edge fall inside.
        double minX = double.PositiveInfinity, minY = double.PositiveInfinity, maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            minX = Math.Min(minX, y[2 * i]); maxX = Math.Max(maxX, y[2 * i]);
            minY = Math.Min(minY, y[2 * i + 1]); maxY = Math.Max(maxY, y[2 * i + 1]);
        }
        double halfW = (maxX - minX) / 2 * (1 + 1e-9) + 1e-9, halfH = (maxY - minY) / 2 * (1 + 1e-9) + 1e-9;
        _nodes[0] = Node.Empty((minX + maxX) / 2, (minY + maxY) / 2, halfW, halfH, depth: 0);
        _used = 1;

        // 2. Insert every point, then turn the mass sums into centres of mass.
        for (int i = 0; i < n; i++) Insert(i, y[2 * i], y[2 * i + 1], y);
        for (int c = 0; c < _used; c++)
        {
            ref Node node = ref _nodes[c];
            if (node.Count > 0) { node.ComX /= node.Count; node.ComY /= node.Count; }
        }
    }

    /// <summary>Number of cells, for tests.</summary>
    public int NodeCount => _used;

    /// <summary>Total mass of the root (= number of points), for tests.</summary>
    public int RootCount => _nodes[0].Count;

    /// <summary>
    /// Repulsive sums for point (<paramref name="px"/>, <paramref name="py"/>): Σ q_j and Σ q_j²·(p − y_j) over all points,
    /// q_j = 1/(1 + |p − y_j|²), with cells whose size / distance &lt; <paramref name="theta"/> replaced by their centre
    /// of mass. The point itself contributes q = 1 to the first sum (callers subtract it) and nothing to the force.
    /// </summary>
    public void Repulsion(double px, double py, double theta, out double sumQ, out double forceX, out double forceY)
    {
        double theta2 = theta * theta;
        sumQ = 0; forceX = 0; forceY = 0;
        Span<int> stack = stackalloc int[4 * MaxDepth + 8];
        int top = 0;
        stack[top++] = 0;
        while (top > 0)
        {
            ref readonly Node node = ref _nodes[stack[--top]];
            if (node.Count == 0) continue;
            double dx = px - node.ComX, dy = py - node.ComY;
            double d2 = dx * dx + dy * dy;
            double width = 2 * Math.Max(node.HalfW, node.HalfH);

            // Summarise a leaf, or a cell that looks small from here (width² < θ²·d², i.e. width/d < θ).
            if (node.FirstChild < 0 || width * width < theta2 * d2)
            {
                double q = 1 / (1 + d2);
                double mass = node.Count * q;
                sumQ += mass;
                mass *= q;
                forceX += mass * dx;
                forceY += mass * dy;
            }
            else
            {
                for (int c = 0; c < 4; c++) stack[top++] = node.FirstChild + c;
            }
        }
    }

    private void Insert(int point, double x, double y, ReadOnlySpan<double> all)
    {
        int index = 0;
        while (true)
        {
            // 1. Every cell on the way down gains the point's mass.
            ref Node node = ref _nodes[index];
            node.Count++;
            node.ComX += x;
            node.ComY += y;

            if (node.FirstChild >= 0)
            {
                index = node.FirstChild + node.Quadrant(x, y);
                continue;
            }

            // 2. An empty leaf takes the point.
            if (node.Count == 1)
            {
                node.Point = point;
                return;
            }

            // 3. A leaf already holding points at the same position (or at the depth limit) aggregates.
            double ox = all[2 * node.Point], oy = all[2 * node.Point + 1];
            if ((ox == x && oy == y) || node.Depth >= MaxDepth)
                return;

            // 4. Otherwise split it: the old occupants (count − 1 points at (ox, oy)) move to their quadrant as one
            //    leaf, then the new point continues down from this cell's children.
            int oldCount = node.Count - 1;
            double oldSumX = node.ComX - x, oldSumY = node.ComY - y;
            int oldPoint = node.Point;
            int first = Subdivide(index);
            ref Node parent = ref _nodes[index];
            parent.Point = -1;
            ref Node moved = ref _nodes[first + parent.Quadrant(ox, oy)];
            moved.Count = oldCount;
            moved.ComX = oldSumX;
            moved.ComY = oldSumY;
            moved.Point = oldPoint;
            // The new point's mass is added when the loop reaches that child (it may share the old occupants'
            // quadrant, in which case that leaf splits in turn).
            index = first + parent.Quadrant(x, y);
        }
    }

    private int Subdivide(int index)
    {
        if (_used + 4 > _nodes.Length)
            Array.Resize(ref _nodes, _nodes.Length * 2);
        Node parent = _nodes[index];
        double hw = parent.HalfW / 2, hh = parent.HalfH / 2;
        int first = _used;
        for (int c = 0; c < 4; c++)
        {
            double cx = parent.CenterX + ((c & 1) != 0 ? hw : -hw);
            double cy = parent.CenterY + ((c & 2) != 0 ? hh : -hh);
            _nodes[first + c] = Node.Empty(cx, cy, hw, hh, parent.Depth + 1);
        }
        _nodes[index].FirstChild = first;
        _used += 4;
        Debug.Assert(_used <= _nodes.Length);
        return first;
    }

    /// <summary>One cell. ComX/ComY hold coordinate sums while building and the centre of mass afterwards.</summary>
    private struct Node
    {
        public double CenterX, CenterY, HalfW, HalfH, ComX, ComY;
        public int Count, FirstChild, Point, Depth;

        public static Node Empty(double cx, double cy, double hw, double hh, int depth) =>
            new() { CenterX = cx, CenterY = cy, HalfW = hw, HalfH = hh, FirstChild = -1, Point = -1, Depth = depth };

        /// <summary>Child index 0–3: bit 0 set for the east half (x ≥ centre), bit 1 for the north half.</summary>
        public readonly int Quadrant(double x, double y) => (x >= CenterX ? 1 : 0) | (y >= CenterY ? 2 : 0);
    }
}
