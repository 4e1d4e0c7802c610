/// A model's trees laid out for scoring without walking them (QuickScorer's idea, over bins):
/// for each tree and each feature it splits on, a table from bin to the set of the tree's
/// leaves a row with that bin can still reach — every leaf, less those on the far side of
/// each of the tree's nodes on that feature. A row's leaf is the one leaf left in all of the
/// tree's tables for its bins: the AND of one table entry per feature, then its lowest set bit.
///
/// A walk is a chain of dependent loads (node, feature, bin, mask, child) as long as the
/// row's path; here each feature's entries are independent loads over a block of rows in
/// order, and the work is the features a tree uses rather than the depth its rows reach.
/// For trees of at most `Mask.bitWidth` leaves (`init` returns nil otherwise: `CompiledForest`
/// walks those).
///
/// Each row lands in the leaf `Tree.leaf` finds (a leaf is kept exactly when every node on
/// its path sends the row its way), and trees are added in model order, so scores are the
/// same to the bit.
struct LeafMaskForest<Mask: FixedWidthInteger & UnsignedInteger & Sendable>: Sendable {
    struct TreeTables: Sendable {
        /// The output (class) the tree adds to.
        let output: Int
        /// Where the tree's leaf values start in `leafValues`.
        let leafBase: Int
        /// The tree's features' entries in `features` and their tables in `tables`.
        let used: Range<Int>
    }

    let trees: [TreeTables]
    /// Per used feature of each tree, in turn: the feature.
    let features: [Int]
    /// 256 masks per used feature of each tree: bit l set when leaf l is still reachable.
    let tables: [Mask]
    let leafValues: [Double]

    /// - Parameter trees: the model's iterations, each with one tree per output.
    init?(trees: [[Tree]], missingBins: [Int]) {
        guard trees.allSatisfy({ $0.allSatisfy { max(1, $0.leafValues.count) <= Mask.bitWidth } }) else { return nil }
        var compiled: [TreeTables] = [], features: [Int] = [], tables: [Mask] = [], leafValues: [Double] = []
        for iteration in trees {
            for (output, tree) in iteration.enumerated() {
                let start = features.count
                // The leaves under each node, from the leaves up (a child's index is above its parent's).
                var under = [Mask](repeating: 0, count: tree.nodes.count)
                func leaves(_ child: Int) -> Mask { child < 0 ? 1 << Mask(~child) : under[child] }
                for i in tree.nodes.indices.reversed() { under[i] = leaves(tree.nodes[i].left) | leaves(tree.nodes[i].right) }
                var order: [Int] = []
                for node in tree.nodes where !order.contains(node.feature) { order.append(node.feature) }
                for feature in order {
                    var table = [Mask](repeating: .max, count: 256)
                    for node in tree.nodes where node.feature == feature {
                        let goesLeft = CompiledForest.leftMask(node, missingBin: missingBins[feature])
                        let (left, right) = (leaves(node.left), leaves(node.right))
                        for b in 0..<256 {
                            table[b] &= goesLeft[b >> 6] >> UInt64(b & 63) & 1 != 0 ? ~right : ~left
                        }
                    }
                    features.append(feature)
                    tables += table
                }
                compiled.append(TreeTables(output: output, leafBase: leafValues.count, used: start..<features.count))
                leafValues += tree.leafValues.isEmpty ? [0] : tree.leafValues
            }
        }
        (self.trees, self.features, self.tables, self.leafValues) = (compiled, features, tables, leafValues)
    }

    /// Rows a pass takes at a time: their masks stay in the core's first cache while every
    /// feature of a tree narrows them.
    static var tileRows: Int { 4096 }

    /// Adds every tree's leaf value to `out` for the rows `range` of feature-major `bins`
    /// (feature f's bin of row r at `bins[f * stride + r]`); `out[i * outputs + c]` is row
    /// `range.lowerBound + i`'s raw score for output c. Trees are added in model order.
    func accumulate(rows range: Range<Int>, bins: UnsafeBufferPointer<UInt8>, stride: Int, outputs: Int, into out: UnsafeMutableBufferPointer<Double>) {
        withUnsafeTemporaryAllocation(of: Mask.self, capacity: Self.tileRows) { reachable in
            features.withUnsafeBufferPointer { features in
                tables.withUnsafeBufferPointer { tables in
                    leafValues.withUnsafeBufferPointer { values in
                        var start = range.lowerBound
                        while start < range.upperBound {
                            let count = min(Self.tileRows, range.upperBound - start)
                            let first = start - range.lowerBound
                            for tree in trees {
                                for i in 0..<count { reachable[i] = .max }
                                for u in tree.used {
                                    let column = bins.baseAddress! + (features[u] &* stride &+ start)
                                    let table = tables.baseAddress! + u &* 256
                                    for i in 0..<count { reachable[i] &= table[Int(column[i])] }
                                }
                                let leafValues = values.baseAddress! + tree.leafBase
                                for i in 0..<count {
                                    out[(first &+ i) &* outputs &+ tree.output] += leafValues[reachable[i].trailingZeroBitCount]
                                }
                            }
                            start += count
                        }
                    }
                }
            }
        }
    }
}
