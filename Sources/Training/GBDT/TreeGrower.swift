import Tabular

/// Grows one tree leaf-wise (best-first, as LightGBM): the leaf whose best split gains most
/// is split next, until `maxLeaves` leaves or no split gains. Histograms are built for the
/// smaller child only; the larger one's is the parent's minus it.
struct TreeGrower {
    let columns: [[UInt8]]
    let missingBins: [Int]
    let categorical: [Bool]
    let finder: SplitFinder
    let maxLeaves: Int
    /// Threads for the grower's parallel steps, kept awake between them.
    let pool: WorkerPool
    var jobs: Int { pool.threads }

    private struct Leaf {
        var rows: [Int32]
        var histograms: [Histogram]
        var best: SplitFinder.Candidate?
        var gradient: Double
        var hessian: Double
        /// The L2 regularisation of this leaf's value, set by the split that made it.
        var l2: Double
        /// Where this leaf hangs: the node and side pointing at it (nil for the root).
        var parent: (node: Int, left: Bool)?
    }

    /// Grows a tree on `rows` (ascending) over `features`; leaf values are −G/(H + λ) · `learningRate`,
    /// λ being more for the two sides of a split on a set of categories (`SplitFinder.categoryL2`).
    /// - Parameter pairs: every row's gradient and hessian, interleaved, in row order.
    /// - Returns: the tree and, for each leaf, the rows that landed in it.
    func grow(rows: [Int32], features: [Int], pairs: [Float], learningRate: Double) -> (Tree, [[Int32]]) {
        // One buffer for the gathered gradients of every leaf this tree histograms, one at a time;
        // left uninitialised (each leaf writes the part it then reads), as zeroing it cost 8 MB
        // of stores a tree at a million rows.
        var scratch = [Float](unsafeUninitializedCapacity: 2 * rows.count) { _, count in count = 2 * rows.count }
        return scratch.withUnsafeMutableBufferPointer { scratch in
            pairs.withUnsafeBufferPointer { pairs in
                grow(rows: rows, features: features, pairs: SharedBuffer(UnsafeMutableBufferPointer(mutating: pairs)),
                     scratch: SharedBuffer(scratch), learningRate: learningRate)
            }
        }
    }

    private func grow(rows: [Int32], features: [Int], pairs: SharedBuffer<Float>, scratch: SharedBuffer<Float>,
                      learningRate: Double) -> (Tree, [[Int32]]) {
        var tree = Tree()
        let rootHistograms = histograms(rows: rows, features: features, pairs: pairs, scratch: scratch)
        var leaves = [makeLeaf(rows: rows, histograms: rootHistograms, features: features, l2: finder.lambda, parent: nil)]
        while leaves.count < maxLeaves {
            // The most gainful split; ties go to the lowest leaf, so growth is deterministic.
            var chosen = -1
            for (i, leaf) in leaves.enumerated() where (leaf.best?.gain ?? 0) > 0 {
                if chosen < 0 || leaf.best!.gain > leaves[chosen].best!.gain { chosen = i }
            }
            guard chosen >= 0, let split = leaves[chosen].best else { break }
            let leaf = leaves[chosen]
            let (left, right) = partition(leaf.rows, by: split)
            let node = tree.nodes.count
            tree.nodes.append(Tree.Node(feature: split.feature, threshold: split.threshold, leftBins: split.leftBins,
                                        missingLeft: split.missingLeft, left: ~chosen, right: ~leaves.count, gain: split.gain,
                                        count: leaf.rows.count))
            if let parent = leaf.parent {
                if parent.left { tree.nodes[parent.node].left = node } else { tree.nodes[parent.node].right = node }
            }
            let smallerIsLeft = left.count <= right.count
            // The split that makes the last leaf: its children are never split, and their sums
            // are all they need — the first feature's histogram gives them, the same bit for bit.
            let last = leaves.count + 1 == maxLeaves
            let counted = last ? Array(features.prefix(1)) : features
            let smallHistograms = histograms(rows: smallerIsLeft ? left : right, features: counted, pairs: pairs, scratch: scratch)
            let largeHistograms = zip(smallHistograms, leaf.histograms).map { $0.subtracted(from: $1) }
            let leftHistograms = smallerIsLeft ? smallHistograms : largeHistograms
            let rightHistograms = smallerIsLeft ? largeHistograms : smallHistograms
            // The two children's best splits are independent: one on each of two cores.
            var children = pool.map(2) { side in
                side == 0 ? makeLeaf(rows: left, histograms: leftHistograms, features: counted, l2: split.childL2, parent: (node, true), splits: !last)
                          : makeLeaf(rows: right, histograms: rightHistograms, features: counted, l2: split.childL2, parent: (node, false), splits: !last)
            }
            // As LightGBM: when neither sibling has rows for two leaves of the minimum size,
            // neither is split (rows per side of a split are estimated, and could pass).
            if left.count < 2 * finder.minSamplesLeaf, right.count < 2 * finder.minSamplesLeaf {
                children[0].best = nil
                children[1].best = nil
            }
            leaves[chosen] = children[0]
            leaves.append(children[1])
        }
        tree.leafValues = leaves.map { -$0.gradient / ($0.hessian + $0.l2) * learningRate }
        tree.leafCounts = leaves.map(\.rows.count)
        return (tree, leaves.map(\.rows))
    }

    /// Splits a leaf's rows, keeping their order. Large leaves are cut into blocks partitioned
    /// on all cores and joined in block order, so the result is the same for any `jobs`.
    private func partition(_ rows: [Int32], by split: SplitFinder.Candidate) -> (left: [Int32], right: [Int32]) {
        let column = columns[split.feature]
        let missing = missingBins[split.feature]
        // One table lookup a row instead of a test of the split's kind: which bins go left.
        var table = [UInt8](repeating: 0, count: 256)
        for b in 0..<256 {
            let left = if b == missing { split.missingLeft }
                       else if let set = split.leftBins { set[b >> 6] & (1 << UInt64(b & 63)) != 0 }
                       else { b <= split.threshold }
            table[b] = left ? 1 : 0
        }
        let goesLeft = table
        let block = 1 << 14
        let blocks = (rows.count + block - 1) / block
        let parts: [([Int32], [Int32])] = pool.map(blocks, parallel: blocks > 1) { k in
            let range = (k * block)..<min(rows.count, (k + 1) * block)
            var left: [Int32] = [], right: [Int32] = []
            rows.withUnsafeBufferPointer { rows in
                column.withUnsafeBufferPointer { column in
                    goesLeft.withUnsafeBufferPointer { goesLeft in
                        // Written to both, advancing one: no branch to mispredict, and no
                        // zeroing of memory every row's write covers.
                        left = [Int32](unsafeUninitializedCapacity: range.count) { left, leftCount in
                            right = [Int32](unsafeUninitializedCapacity: range.count) { right, rightCount in
                                var l = 0, r = 0
                                for i in range {
                                    let row = rows[i]
                                    let toLeft = Int(goesLeft[Int(column[Int(row)])])
                                    left[l] = row
                                    right[r] = row
                                    l &+= toLeft
                                    r &+= 1 &- toLeft
                                }
                                rightCount = r
                            }
                            leftCount = range.count - right.count
                        }
                    }
                }
            }
            return (left, right)
        }
        if parts.count == 1 { return parts[0] }
        // Blocks joined in block order, each copied to its place on all cores.
        var leftStarts = [0], rightStarts = [0]
        for (l, r) in parts { leftStarts.append(leftStarts.last! + l.count); rightStarts.append(rightStarts.last! + r.count) }
        func joined(left: Bool, _ starts: [Int]) -> [Int32] {
            [Int32](unsafeUninitializedCapacity: starts.last!) { buffer, count in
                let target = SharedBuffer(buffer)
                _ = pool.map(parts.count) { k in
                    (left ? parts[k].0 : parts[k].1).withUnsafeBufferPointer { part in
                        _ = UnsafeMutableBufferPointer(rebasing: target.buffer[starts[k]..<starts[k + 1]]).initialize(from: part)
                    }
                    return true
                }
                count = starts.last!
            }
        }
        return (joined(left: true, leftStarts), joined(left: false, rightStarts))
    }

    /// - Parameter splits: whether to find the leaf's best split (not for leaves the tree ends with).
    private func makeLeaf(rows: [Int32], histograms: [Histogram], features: [Int], l2: Double, parent: (node: Int, left: Bool)?,
                          splits: Bool = true) -> Leaf {
        // Totals from the first feature's histogram: every row is in exactly one of its bins.
        var g = 0.0, h = 0.0
        if let first = histograms.first {
            for b in 0..<first.gradient.count { g += first.gradient[b]; h += first.hessian[b] }
        }
        // Split finding costs bins × features, whatever the leaf's size: threads pay off only
        // when there are many features.
        let candidates: [SplitFinder.Candidate?] = !splits ? [] : pool.map(features.count, parallel: features.count >= 64) { i in
            finder.best(histograms[i], feature: features[i], missingBin: missingBins[features[i]], categorical: categorical[features[i]],
                        rows: rows.count)
        }
        var best: SplitFinder.Candidate?
        for candidate in candidates {
            if let candidate, candidate.gain > (best?.gain ?? 0) { best = candidate }
        }
        return Leaf(rows: rows, histograms: histograms, best: best, gradient: g, hessian: h, l2: l2, parent: parent)
    }

    /// Histograms of `rows` for every feature. Unless the rows are all rows (whose gradients
    /// are already in order), the leaf's gradients are gathered once into its rows' order
    /// (LightGBM's "ordered gradients"), so each feature's pass reads them sequentially and
    /// gathers only its bins.
    private func histograms(rows: [Int32], features: [Int], pairs: SharedBuffer<Float>, scratch: SharedBuffer<Float>) -> [Histogram] {
        let ordered: UnsafeMutableBufferPointer<Float>
        if rows.count == pairs.buffer.count / 2 {
            ordered = pairs.buffer
        } else {
            let block = 1 << 14
            // Blocks of rows on all cores; each writes only its own slice.
            _ = pool.map((rows.count + block - 1) / block, parallel: rows.count >= 2 * block) { k in
                rows.withUnsafeBufferPointer { rows in
                    for i in (k * block)..<min(rows.count, (k + 1) * block) {
                        let r = Int(rows[i])
                        scratch.buffer[2 * i] = pairs.buffer[2 * r]
                        scratch.buffer[2 * i + 1] = pairs.buffer[2 * r + 1]
                    }
                }
                return true
            }
            ordered = UnsafeMutableBufferPointer(rebasing: scratch.buffer[0..<(2 * rows.count)])
        }
        let gathered = SharedBuffer(ordered)
        // Features in groups, a group to a task: each task reads the leaf's rows and gradient
        // pairs once, tile by tile, for all its features. Two groups a thread balance the load,
        // if they are of even sizes: 25 features on 2 threads as 7, 7, 7 and 4 kept one thread
        // busy for 14 of them while the other did 11; as 6, 6, 6 and 7 it is 13 and 12.
        let groupSize = max(2, (features.count + 2 * jobs - 1) / (2 * jobs))
        let groups = (features.count + groupSize - 1) / groupSize
        let pairsOfHistograms: [[Histogram]] = pool.map(groups, parallel: rows.count >= 2048) { k in
            let members = Array(features[(k * features.count / groups)..<((k + 1) * features.count / groups)])
            return withBuffers(members.map { columns[$0] }[...]) { pointers in
                rows.withUnsafeBufferPointer { rows in
                    Histogram.group(bins: members.map { missingBins[$0] + 1 }, columns: pointers, rows: rows,
                                    orderedPairs: UnsafeBufferPointer(gathered.buffer))
                }
            }
        }
        return pairsOfHistograms.flatMap { $0 }
    }

    /// Calls `body` with the storage of each of `arrays`, every pointer valid for the whole call.
    private func withBuffers<R>(_ arrays: ArraySlice<[UInt8]>, _ pointers: [UnsafeBufferPointer<UInt8>] = [],
                                _ body: ([UnsafeBufferPointer<UInt8>]) -> R) -> R {
        guard let first = arrays.first else { return body(pointers) }
        return first.withUnsafeBufferPointer { withBuffers(arrays.dropFirst(), pointers + [$0], body) }
    }
}
