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

    init(columns: [[UInt8]], missingBins: [Int], categorical: [Bool], finder: SplitFinder, maxLeaves: Int, pool: WorkerPool, bagging: Bool) {
        (self.columns, self.missingBins, self.categorical, self.finder, self.maxLeaves, self.pool) = (columns, missingBins, categorical, finder, maxLeaves, pool)
        buffers = Buffers(rows: columns.first?.count ?? 0, bagging: bagging)
    }

    private struct Leaf {
        /// The leaf's rows: a segment of the tree's one row order (`grow`), ascending.
        var rows: Range<Int>
        var histograms: [Histogram]
        var best: SplitFinder.Candidate?
        var gradient: Double
        var hessian: Double
        /// The L2 regularisation of this leaf's value, set by the split that made it.
        var l2: Double
        /// Where this leaf hangs: the node and side pointing at it (nil for the root).
        var parent: (node: Int, left: Bool)?
    }

    /// The row order and workspace every tree of a fit grows in, allocated once: a tree's own
    /// megabytes of them, freed and asked for again a tree later, were not always handed back
    /// (at a million rows, a fit on a thread of its own once held 360 MB more by its last tree).
    private let buffers: Buffers

    /// Grows a tree on `rows` (ascending; nil: every row) over `features`; leaf values are
    /// −G/(H + λ) · `learningRate`, λ being more for the two sides of a split on a set of
    /// categories (`SplitFinder.categoryL2`).
    /// - Parameter pairs: every row's gradient and hessian, interleaved, in row order.
    /// - Returns: the tree, and each leaf's segment of `order`, which holds the rows in an
    ///   order where each leaf's are one segment (ascending within it) until the next tree grows.
    ///
    /// The rows live in one buffer, as LightGBM's data partition: a split reorders its leaf's
    /// segment in place (its left rows, then its right rows) instead of making two arrays.
    func grow(rows: [Int32]?, features: [Int], pairs: [Float], learningRate: Double) -> (tree: Tree, leaves: [Range<Int>]) {
        let count = rows?.count ?? buffers.order.count
        let order = UnsafeMutableBufferPointer(rebasing: buffers.order[0..<count])
        if let rows { _ = order.update(fromContentsOf: rows) } else { for r in 0..<count { order[r] = Int32(r) } }
        return pairs.withUnsafeBufferPointer { pairs in
            grow(order: SharedBuffer(order), workspace: buffers.workspace, features: features,
                 pairs: SharedBuffer(UnsafeMutableBufferPointer(mutating: pairs)), learningRate: learningRate)
        }
    }

    /// The rows of the last tree grown, each leaf's a segment (`grow`).
    var order: UnsafeBufferPointer<Int32> { UnsafeBufferPointer(buffers.order) }

    /// Memory that holds row indices during a partition and gradient pairs during a histogram
    /// pass, bound to each type in turn.
    private struct Workspace: @unchecked Sendable {
        let memory: UnsafeMutableRawBufferPointer
        let rowCapacity: Int, pairCapacity: Int

        init(rows: Int, pairs: Int) {
            (rowCapacity, pairCapacity) = (rows, pairs)
            memory = .allocate(byteCount: max(rows * MemoryLayout<Int32>.stride, pairs * MemoryLayout<Float>.stride, 1), alignment: 64)
        }

        var rows: UnsafeMutableBufferPointer<Int32> {
            UnsafeMutableBufferPointer(start: memory.baseAddress!.bindMemory(to: Int32.self, capacity: rowCapacity), count: rowCapacity)
        }

        var pairs: UnsafeMutableBufferPointer<Float> {
            UnsafeMutableBufferPointer(start: memory.baseAddress!.bindMemory(to: Float.self, capacity: pairCapacity), count: pairCapacity)
        }

        func deallocate() { memory.deallocate() }
    }

    private final class Buffers: @unchecked Sendable {
        let order: UnsafeMutableBufferPointer<Int32>
        let workspace: Workspace

        /// - Parameter bagging: whether a tree may grow on fewer rows than all (then the root's
        ///   gradients are gathered too: up to every row's, not half).
        init(rows n: Int, bagging: Bool) {
            order = .allocate(capacity: max(n, 1))
            // One workspace for two steps that never overlap: a split's partition, which moves
            // the leaf's rows through it, and then the gathering of the smaller child's
            // gradients (at most half the rows). Left uninitialised: each step writes the part
            // it then reads.
            workspace = Workspace(rows: n, pairs: 2 * (bagging ? n : n / 2 + 1))
        }

        deinit {
            order.deallocate()
            workspace.deallocate()
        }
    }

    private func grow(order: SharedBuffer<Int32>, workspace: Workspace, features: [Int], pairs: SharedBuffer<Float>,
                      learningRate: Double) -> (Tree, [Range<Int>]) {
        var tree = Tree()
        let all = 0..<order.buffer.count
        let rootHistograms = histograms(rows: all, order: order, features: features, pairs: pairs, workspace: workspace)
        var leaves = [makeLeaf(rows: all, histograms: rootHistograms, features: features, l2: finder.lambda, parent: nil)]
        while leaves.count < maxLeaves {
            // The most gainful split; ties go to the lowest leaf, so growth is deterministic.
            var chosen = -1
            for (i, leaf) in leaves.enumerated() where (leaf.best?.gain ?? 0) > 0 {
                if chosen < 0 || leaf.best!.gain > leaves[chosen].best!.gain { chosen = i }
            }
            guard chosen >= 0, let split = leaves[chosen].best else { break }
            let leaf = leaves[chosen]
            let (left, right) = partition(leaf.rows, order: order, through: workspace, by: split)
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
            let smallHistograms = histograms(rows: smallerIsLeft ? left : right, order: order, features: counted, pairs: pairs, workspace: workspace)
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

    /// Splits a leaf's segment of `order` in place: its left rows, then its right rows, each in
    /// the order they were. Large segments are cut into blocks partitioned on all cores into
    /// the workspace (each block its own stretch of it), then copied back in block order, so the
    /// result is the same for any `jobs`.
    private func partition(_ rows: Range<Int>, order: SharedBuffer<Int32>, through workspace: Workspace,
                           by split: SplitFinder.Candidate) -> (left: Range<Int>, right: Range<Int>) {
        let moved = SharedBuffer(workspace.rows)
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
        let ranges = stride(from: rows.lowerBound, to: rows.upperBound, by: block).map { $0..<min(rows.upperBound, $0 + block) }
        // Each block writes its left rows forward from its stretch's start and its right rows
        // backward from its end: one pass, no branch, and no memory the pass does not fill.
        let lefts: [Int] = pool.map(ranges.count, parallel: ranges.count > 1) { k in
            let range = ranges[k]
            return column.withUnsafeBufferPointer { column in
                goesLeft.withUnsafeBufferPointer { goesLeft in
                    let target = moved.buffer.baseAddress! + range.lowerBound
                    var l = 0, r = range.count - 1
                    for i in range {
                        let row = order.buffer[i]
                        let toLeft = Int(goesLeft[Int(column[Int(row)])])
                        target[l] = row
                        target[r] = row
                        l &+= toLeft
                        r &-= 1 &- toLeft
                    }
                    return l
                }
            }
        }
        // Back into the segment: every block's left rows in block order, then every block's
        // right rows (stored backwards within their block) in block order.
        var leftStarts = [rows.lowerBound]
        for count in lefts { leftStarts.append(leftStarts.last! + count) }
        let leftEnd = leftStarts.last!
        var rightStarts = [leftEnd]
        for (range, count) in zip(ranges, lefts) { rightStarts.append(rightStarts.last! + range.count - count) }
        _ = pool.map(ranges.count, parallel: ranges.count > 1) { k in
            let size = ranges[k].count
            let source = moved.buffer.baseAddress! + ranges[k].lowerBound
            let left = order.buffer.baseAddress! + leftStarts[k]
            for i in 0..<lefts[k] { left[i] = source[i] }
            let right = order.buffer.baseAddress! + rightStarts[k]
            for i in 0..<(size - lefts[k]) { right[i] = source[size - 1 - i] }
            return true
        }
        return (rows.lowerBound..<leftEnd, leftEnd..<rows.upperBound)
    }

    /// - Parameter splits: whether to find the leaf's best split (not for leaves the tree ends with).
    private func makeLeaf(rows: Range<Int>, histograms: [Histogram], features: [Int], l2: Double, parent: (node: Int, left: Bool)?,
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

    /// Histograms of the rows `order[rows]` for every feature. Unless they are all rows in
    /// order (whose gradients are already in order), the leaf's gradients are gathered once
    /// into its rows' order (LightGBM's "ordered gradients"), so each feature's pass reads them
    /// sequentially and gathers only its bins.
    private func histograms(rows segment: Range<Int>, order: SharedBuffer<Int32>, features: [Int], pairs: SharedBuffer<Float>,
                            workspace: Workspace) -> [Histogram] {
        let rows = UnsafeBufferPointer(rebasing: order.buffer[segment])
        let ordered: UnsafeMutableBufferPointer<Float>
        if rows.count == pairs.buffer.count / 2 {
            ordered = pairs.buffer
        } else {
            let scratch = SharedBuffer(workspace.pairs)
            let block = 1 << 14
            // Blocks of rows on all cores; each writes only its own slice.
            _ = pool.map((rows.count + block - 1) / block, parallel: rows.count >= 2 * block) { k in
                for i in (k * block)..<min(rows.count, (k + 1) * block) {
                    let r = Int(rows[i])
                    scratch.buffer[2 * i] = pairs.buffer[2 * r]
                    scratch.buffer[2 * i + 1] = pairs.buffer[2 * r + 1]
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
                Histogram.group(bins: members.map { missingBins[$0] + 1 }, columns: pointers, rows: rows,
                                orderedPairs: UnsafeBufferPointer(gathered.buffer))
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
