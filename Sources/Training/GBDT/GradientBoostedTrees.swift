import Foundation
import Tabular

/// Histogram gradient-boosted decision trees (as LightGBM): quantile bins with a missing-value
/// bin, leaf-wise growth, histogram subtraction, L2-regularised leaves, row and column
/// subsampling from a seeded generator, categorical features split on category sets.
///
/// Deterministic: the same data, parameters and seed give the same model, bit for bit, for
/// any `jobs` — work is split by feature or by row and always combined in index order.
public struct GradientBoostedTrees: Sendable, Equatable, Codable {
    public struct Parameters: Sendable, Equatable, Codable {
        public var trees = 100
        public var leaves = 31
        public var learningRate = 0.1
        public var maxBins = 255
        public var minSamplesLeaf = 20
        public var minHessian = 1e-3
        public var l2 = 0.0
        public var subsample = 1.0
        public var colsample = 1.0
        public var seed: UInt64 = 0
        public init() {}
    }

    /// What is learnt, with its labels.
    public enum Targets: Sendable {
        /// Log loss; `true` is the positive class.
        case binary([Bool])
        /// Squared error.
        case regression([Double])
        /// Softmax over `classes` classes; labels are class indices.
        case multiclass([Int], classes: Int)

        var count: Int {
            switch self {
            case .binary(let y): y.count
            case .regression(let y): y.count
            case .multiclass(let y, _): y.count
            }
        }

        var outputs: Int {
            if case .multiclass(_, let k) = self { return k }
            return 1
        }
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case noRows
        case noFeatures
        case oneClass

        public var description: String {
            switch self {
            case .noRows: "no training rows with a label"
            case .noFeatures: "no feature columns to train on"
            case .oneClass: "every training label is the same class; a classifier needs both"
            }
        }
    }

    public let features: [String]
    public let mappers: [BinMapper]
    public let parameters: Parameters
    /// Per iteration, one tree per output (class).
    public let trees: [[Tree]]
    public let initialScores: [Double]
    public let isClassifier: Bool

    /// - Parameter progress: called after each boosting iteration with how many are done.
    public init(fitting table: Table, features: [String], targets: Targets, parameters: Parameters, jobs: Int = 1,
                progress: (@Sendable (Int) -> Void)? = nil) throws(Failure) {
        let n = table.rowCount
        guard n > 0, targets.count == n else { throw .noRows }
        let present = features.filter { table.column($0) != nil }
        guard !present.isEmpty else { throw .noFeatures }
        if case .binary(let y) = targets, !(y.contains(true) && y.contains(false)) { throw .oneClass }

        let mappers: [BinMapper] = Parallel.map(present.count, jobs: jobs) { i in
            BinMapper(column: table.column(present[i])!, maxBins: parameters.maxBins, seed: parameters.seed &+ UInt64(i))
        }
        let columns: [[UInt8]] = Parallel.map(present.count, jobs: jobs) { i in mappers[i].bins(table.column(present[i]), rows: n) }
        let pool = WorkerPool(threads: jobs)
        let grower = TreeGrower(columns: columns, missingBins: mappers.map(\.missingBin),
                                categorical: mappers.map { if case .categorical = $0.kind { true } else { false } },
                                finder: SplitFinder(lambda: parameters.l2, minSamplesLeaf: parameters.minSamplesLeaf, minHessian: parameters.minHessian),
                                maxLeaves: parameters.leaves, pool: pool, bagging: parameters.subsample < 1)

        let k = targets.outputs
        let initial = Self.initialScores(targets)
        // Raw scores, row-major by output: scores[r * k + c].
        var scores = [Double](repeating: 0, count: n * k)
        for r in 0..<n { for c in 0..<k { scores[r * k + c] = initial[c] } }
        var rng = SeededRandom(seed: parameters.seed)
        var forest: [[Tree]] = []
        // Each row's gradient and hessian, interleaved, in single precision (as LightGBM's).
        var pairs = [Float](repeating: 0, count: 2 * n)

        for _ in 0..<parameters.trees {
            // Bagged rows, or nil for every row (no array of a million indices kept for it).
            let rows: [Int32]? = parameters.subsample < 1
                ? (0..<Int32(n)).filter { _ in Double(rng.next() >> 11) / Double(1 << 53) < parameters.subsample } : nil
            var features = Array(0..<present.count)
            if parameters.colsample < 1 {
                let keep = max(1, Int((parameters.colsample * Double(present.count)).rounded(.down)))
                for i in 0..<keep { features.swapAt(i, i + Int(rng.next() % UInt64(present.count - i))) }
                features = Array(features.prefix(keep)).sorted()
            }
            var iteration: [Tree] = []
            // Every class's gradients come from the scores before this iteration's trees. With one
            // output there is nothing to keep: a copy would cost 8 MB a tree at a million rows.
            let snapshot = k > 1 ? scores : nil
            for c in 0..<k {
                Self.gradients(targets, scores: snapshot ?? scores, output: c, outputs: k, pairs: &pairs, pool: pool)
                let (tree, leafRows) = grower.grow(rows: rows, features: features, pairs: pairs, learningRate: parameters.learningRate)
                let order = grower.order
                iteration.append(tree)
                // Every row's score moves by its leaf, bagged or not: the grower knows where the
                // rows it grew on landed; only rows left out by bagging are walked down the tree.
                if rows == nil {
                    // Leaves hold disjoint rows: each on its own core.
                    scores.withUnsafeMutableBufferPointer { buffer in
                        let scores = SharedBuffer(buffer)
                        _ = pool.map(leafRows.count, parallel: n >= 10_000) { leaf in
                            let value = tree.leafValues[leaf]
                            for i in leafRows[leaf] { scores.buffer[Int(order[i]) * k + c] += value }
                            return true
                        }
                    }
                } else {
                    // Rows in blocks on all cores, each block writing only its own rows' scores.
                    let missing = mappers.map(\.missingBin)
                    let block = 1 << 14
                    scores.withUnsafeMutableBufferPointer { buffer in
                        let scores = SharedBuffer(buffer)
                        _ = pool.map((n + block - 1) / block, parallel: n >= 10_000) { b in
                            for r in (b * block)..<min(n, (b + 1) * block) {
                                scores.buffer[r * k + c] += tree.leafValues[tree.leaf({ Int(columns[$0][r]) }, missingBins: missing)]
                            }
                            return true
                        }
                    }
                }
            }
            forest.append(iteration)
            progress?(forest.count)
        }
        self.features = present
        self.mappers = mappers
        self.parameters = parameters
        self.trees = forest
        self.initialScores = initial
        if case .regression = targets { isClassifier = false } else { isClassifier = true }
    }

    /// LightGBM's `boost_from_average`: the log-odds of the base rate, the mean, or zeros.
    static func initialScores(_ targets: Targets) -> [Double] {
        switch targets {
        case .binary(let y):
            let p = Double(y.filter { $0 }.count) / Double(y.count)
            return [log(p / (1 - p))]
        case .regression(let y):
            return [y.reduce(0, +) / Double(y.count)]
        case .multiclass(_, let k):
            return [Double](repeating: 0, count: k)
        }
    }

    /// Gradients and hessians of every row, interleaved in `pairs`, computed in blocks on all
    /// cores (each row on its own, each block writing only its own slice).
    static func gradients(_ targets: Targets, scores: [Double], output c: Int, outputs k: Int, pairs: inout [Float], pool: WorkerPool) {
        let n = pairs.count / 2
        let block = 1 << 15
        let blocks = (n + block - 1) / block
        pairs.withUnsafeMutableBufferPointer { buffer in
            let target = SharedBuffer(buffer)
            _ = pool.map(blocks, parallel: blocks > 1) { b in
                blockGradients(targets, scores: scores, output: c, outputs: k, range: (b * block)..<min(n, (b + 1) * block), pairs: target.buffer)
                return true
            }
        }
    }

    private static func blockGradients(_ targets: Targets, scores: [Double], output c: Int, outputs k: Int, range: Range<Int>,
                                       pairs: UnsafeMutableBufferPointer<Float>) {
        switch targets {
        case .binary(let y):
            for r in range {
                let p = 1 / (1 + exp(-scores[r]))
                pairs[2 * r] = Float(p - (y[r] ? 1 : 0))
                pairs[2 * r + 1] = Float(max(p * (1 - p), 1e-16))
            }
        case .regression(let y):
            for r in range {
                pairs[2 * r] = Float(scores[r] - y[r])
                pairs[2 * r + 1] = 1
            }
        case .multiclass(let y, _):
            // LightGBM scales the softmax hessian by k / (k − 1).
            let factor = Double(k) / Double(k - 1)
            for r in range {
                var peak = -Double.infinity
                for j in 0..<k { peak = max(peak, scores[r * k + j]) }
                var sum = 0.0
                for j in 0..<k { sum += exp(scores[r * k + j] - peak) }
                let p = exp(scores[r * k + c] - peak) / sum
                pairs[2 * r] = Float(p - (y[r] == c ? 1 : 0))
                pairs[2 * r + 1] = Float(max(factor * p * (1 - p), 1e-16))
            }
        }
    }

    /// Raw scores for `table`, row-major by output (one per class for multiclass).
    ///
    /// Rows are scored in fixed blocks on all cores into one flat buffer: no allocation per row.
    public func predictRaw(_ table: Table, jobs: Int = 1) -> [Double] {
        let n = table.rowCount, k = initialScores.count
        // Feature-major bins in one array: one allocation, read through one pointer.
        // Each feature binned on its own core, joined in feature order.
        let perFeature: [[UInt8]] = Parallel.map(features.count, jobs: n < 10_000 ? 1 : jobs) { i in
            mappers[i].bins(table.column(features[i]), rows: n)
        }
        var flat = [UInt8]()
        flat.reserveCapacity(n * features.count)
        for column in perFeature { flat += column }
        let bins = flat
        let scorer = ForestScorer(trees: trees, missingBins: mappers.map(\.missingBin))
        let block = 1 << 14
        let blocks = (n + block - 1) / block
        let parts: [[Double]] = Parallel.map(blocks, jobs: blocks > 1 ? jobs : 1) { b in
            let range = (b * block)..<min(n, (b + 1) * block)
            var out = [Double](repeating: 0, count: range.count * k)
            for i in 0..<range.count { for c in 0..<k { out[i * k + c] = initialScores[c] } }
            bins.withUnsafeBufferPointer { bins in
                out.withUnsafeMutableBufferPointer { out in
                    scorer.accumulate(rows: range, bins: bins, stride: n, outputs: k, into: out)
                }
            }
            return out
        }
        return parts.flatMap { $0 }
    }

    /// The positive class's probability (binary), the prediction (regression), or the
    /// probability of each class, row-major (multiclass).
    public func predict(_ table: Table, jobs: Int = 1) -> [Double] {
        let raw = predictRaw(table, jobs: jobs)
        let k = initialScores.count
        if !isClassifier { return raw }
        if k == 1 { return raw.map { 1 / (1 + exp(-$0)) } }
        var out = raw
        for r in 0..<(raw.count / k) {
            let slice = raw[(r * k)..<((r + 1) * k)]
            let peak = slice.max()!
            let sum = slice.reduce(0) { $0 + exp($1 - peak) }
            for c in 0..<k { out[r * k + c] = exp(raw[r * k + c] - peak) / sum }
        }
        return out
    }
}

/// The fastest layout a model's trees allow: leaf masks when every tree has at most 64 leaves
/// (in 32-bit masks when at most 32, halving the tables), else the node walk.
enum ForestScorer: Sendable {
    case masks32(LeafMaskForest<UInt32>)
    case masks64(LeafMaskForest<UInt64>)
    case walk(CompiledForest)

    init(trees: [[Tree]], missingBins: [Int]) {
        if let forest = LeafMaskForest<UInt32>(trees: trees, missingBins: missingBins) {
            self = .masks32(forest)
        } else if let forest = LeafMaskForest<UInt64>(trees: trees, missingBins: missingBins) {
            self = .masks64(forest)
        } else {
            self = .walk(CompiledForest(trees: trees, missingBins: missingBins))
        }
    }

    func accumulate(rows range: Range<Int>, bins: UnsafeBufferPointer<UInt8>, stride: Int, outputs: Int, into out: UnsafeMutableBufferPointer<Double>) {
        switch self {
        case .masks32(let forest): forest.accumulate(rows: range, bins: bins, stride: stride, outputs: outputs, into: out)
        case .masks64(let forest): forest.accumulate(rows: range, bins: bins, stride: stride, outputs: outputs, into: out)
        case .walk(let forest): forest.accumulate(rows: range, bins: bins, stride: stride, outputs: outputs, into: out)
        }
    }
}
