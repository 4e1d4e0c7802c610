/// Exact SHAP values of a tree ensemble's raw score: the polynomial-time path-dependent
/// algorithm of Lundberg, Erion & Lee (2018, Algorithm 2), as LightGBM's `pred_contrib`
/// computes it. A feature's value for one row is the change in the expected output of the tree
/// when the feature becomes known, averaged over the orders in which features become known;
/// unknown features follow both branches of a split weighted by the training rows that went
/// each way (`Tree.Node.count`, `Tree.leafCounts`).
///
/// Cost per row and tree: leaves × depth². It never depends on the training rows.
public enum TreeSHAP {
    /// One element of the path of unique features from the root to the current node.
    struct PathElement {
        var feature: Int
        /// The fraction of "feature unknown" paths flowing through here (cover ratio).
        var zeroFraction: Double
        /// 1 when the row itself goes this way, else 0.
        var oneFraction: Double
        /// The permutation weight.
        var weight: Double
    }

    /// A tree's output averaged over its training rows: the part of a row's score no feature explains.
    public static func expectedValue(_ tree: Tree) -> Double {
        guard let root = tree.nodes.first else { return tree.leafValues.first ?? 0 }
        let total = Double(root.count)
        var value = 0.0
        for (leaf, output) in tree.leafValues.enumerated() { value += Double(tree.leafCounts[leaf]) / total * output }
        return value
    }

    /// The deepest leaf's depth (edges from the root).
    static func depth(_ tree: Tree) -> Int {
        guard !tree.nodes.isEmpty else { return 0 }
        var deepest = 0
        var stack = [(0, 1)]
        while let (node, depth) = stack.popLast() {
            deepest = max(deepest, depth)
            for child in [tree.nodes[node].left, tree.nodes[node].right] where child >= 0 { stack.append((child, depth + 1)) }
        }
        return deepest
    }

    /// Working memory for one tree's walk, reused across rows: (depth + 1)(depth + 2)/2 path
    /// elements, one path per level of the recursion.
    public struct Scratch {
        var path: [PathElement]
        public init(maxDepth: Int) {
            path = Array(repeating: PathElement(feature: -1, zeroFraction: 0, oneFraction: 0, weight: 0),
                         count: (maxDepth + 2) * (maxDepth + 3) / 2)
        }
    }

    /// Adds one row's contributions for `tree` to `phi` (one slot per feature; the expected value
    /// is not added). `goesLeft` says which way the row goes at an internal node.
    public static func accumulate(_ tree: Tree, into phi: UnsafeMutableBufferPointer<Double>, scratch: inout Scratch,
                                  goesLeft: (Tree.Node) -> Bool) {
        guard !tree.nodes.isEmpty else { return }
        scratch.path.withUnsafeMutableBufferPointer { path in
            recurse(tree, node: 0, phi: phi, path: path, offset: 0, depth: 0, parentOffset: 0,
                    zeroFraction: 1, oneFraction: 1, feature: -1, goesLeft: goesLeft)
        }
    }

    /// - Parameters:
    ///   - node: ≥ 0 an internal node, < 0 a leaf (~index).
    ///   - offset: where this level's path starts in `path`; the parent's starts at `parentOffset`.
    private static func recurse(_ tree: Tree, node: Int, phi: UnsafeMutableBufferPointer<Double>, path: UnsafeMutableBufferPointer<PathElement>,
                                offset: Int, depth uniqueDepth: Int, parentOffset: Int, zeroFraction: Double, oneFraction: Double,
                                feature: Int, goesLeft: (Tree.Node) -> Bool) {
        var uniqueDepth = uniqueDepth
        if uniqueDepth > 0 {
            for i in 0..<uniqueDepth { path[offset + i] = path[parentOffset + i] }
        }
        extend(path, offset, uniqueDepth, zeroFraction, oneFraction, feature)

        if node < 0 {
            let value = tree.leafValues[~node]
            if uniqueDepth > 0 {
                for i in 1...uniqueDepth {
                    let w = unwoundSum(path, offset, uniqueDepth, i)
                    let element = path[offset + i]
                    phi[element.feature] += w * (element.oneFraction - element.zeroFraction) * value
                }
            }
            return
        }

        let split = tree.nodes[node]
        let (hot, cold) = goesLeft(split) ? (split.left, split.right) : (split.right, split.left)
        let cover = Double(split.count)
        let hotZero = Double(count(tree, hot)) / cover
        let coldZero = Double(count(tree, cold)) / cover
        var incomingZero = 1.0, incomingOne = 1.0
        // A feature already on the path is undone and redone here, so each appears once.
        var index = 0
        while index <= uniqueDepth, path[offset + index].feature != split.feature { index += 1 }
        if index != uniqueDepth + 1 {
            incomingZero = path[offset + index].zeroFraction
            incomingOne = path[offset + index].oneFraction
            unwind(path, offset, uniqueDepth, index)
            uniqueDepth -= 1
        }
        let next = offset + uniqueDepth + 1
        recurse(tree, node: hot, phi: phi, path: path, offset: next, depth: uniqueDepth + 1, parentOffset: offset,
                zeroFraction: hotZero * incomingZero, oneFraction: incomingOne, feature: split.feature, goesLeft: goesLeft)
        recurse(tree, node: cold, phi: phi, path: path, offset: next, depth: uniqueDepth + 1, parentOffset: offset,
                zeroFraction: coldZero * incomingZero, oneFraction: 0, feature: split.feature, goesLeft: goesLeft)
    }

    @inline(__always)
    private static func count(_ tree: Tree, _ child: Int) -> Int {
        child >= 0 ? tree.nodes[child].count : tree.leafCounts[~child]
    }

    private static func extend(_ path: UnsafeMutableBufferPointer<PathElement>, _ o: Int, _ depth: Int,
                               _ zeroFraction: Double, _ oneFraction: Double, _ feature: Int) {
        path[o + depth] = PathElement(feature: feature, zeroFraction: zeroFraction, oneFraction: oneFraction, weight: depth == 0 ? 1 : 0)
        var i = depth - 1
        while i >= 0 {
            path[o + i + 1].weight += oneFraction * path[o + i].weight * Double(i + 1) / Double(depth + 1)
            path[o + i].weight = zeroFraction * path[o + i].weight * Double(depth - i) / Double(depth + 1)
            i -= 1
        }
    }

    private static func unwind(_ path: UnsafeMutableBufferPointer<PathElement>, _ o: Int, _ depth: Int, _ index: Int) {
        let oneFraction = path[o + index].oneFraction, zeroFraction = path[o + index].zeroFraction
        var nextOnePortion = path[o + depth].weight
        var i = depth - 1
        while i >= 0 {
            if oneFraction != 0 {
                let tmp = path[o + i].weight
                path[o + i].weight = nextOnePortion * Double(depth + 1) / (Double(i + 1) * oneFraction)
                nextOnePortion = tmp - path[o + i].weight * zeroFraction * Double(depth - i) / Double(depth + 1)
            } else {
                path[o + i].weight = path[o + i].weight * Double(depth + 1) / (zeroFraction * Double(depth - i))
            }
            i -= 1
        }
        for j in index..<depth {
            path[o + j].feature = path[o + j + 1].feature
            path[o + j].zeroFraction = path[o + j + 1].zeroFraction
            path[o + j].oneFraction = path[o + j + 1].oneFraction
        }
    }

    private static func unwoundSum(_ path: UnsafeMutableBufferPointer<PathElement>, _ o: Int, _ depth: Int, _ index: Int) -> Double {
        let oneFraction = path[o + index].oneFraction, zeroFraction = path[o + index].zeroFraction
        var nextOnePortion = path[o + depth].weight
        var total = 0.0
        var i = depth - 1
        while i >= 0 {
            if oneFraction != 0 {
                let tmp = nextOnePortion * Double(depth + 1) / (Double(i + 1) * oneFraction)
                total += tmp
                nextOnePortion = path[o + i].weight - tmp * zeroFraction * (Double(depth - i) / Double(depth + 1))
            } else if zeroFraction != 0 {
                total += (path[o + i].weight / zeroFraction) / (Double(depth - i) / Double(depth + 1))
            }
            i -= 1
        }
        return total
    }
}
