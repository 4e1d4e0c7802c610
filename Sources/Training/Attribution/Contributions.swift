import Tabular

/// Per-row feature contributions of the training core's models: for each row, one value per
/// feature and a last one for the expected output, summing to the row's raw score (log-odds for
/// classifiers, the prediction for regression) — LightGBM's `predict(..., pred_contrib=True)`.
public struct Contributions: Sendable, Equatable {
    public let features: [String]
    /// Outputs per row: one, or one per class (multiclass).
    public let outputs: Int
    public let rows: Int
    /// Row-major: row r, output c, feature j (j == features.count: the expected value) at
    /// `values[(r * outputs + c) * (features.count + 1) + j]`.
    public let values: [Double]

    public init(features: [String], outputs: Int, rows: Int, values: [Double]) {
        self.features = features
        self.outputs = outputs
        self.rows = rows
        self.values = values
    }

    public subscript(row: Int, output: Int, feature: Int) -> Double {
        values[(row * outputs + output) * (features.count + 1) + feature]
    }

    /// Mean |contribution| of each feature over rows and outputs: how much the model leans on it.
    public var meanAbsolute: [Double] {
        let width = features.count + 1
        var sums = [Double](repeating: 0, count: features.count)
        guard rows > 0 else { return sums }
        values.withUnsafeBufferPointer { values in
            for block in 0..<(rows * outputs) {
                let base = block * width
                for j in 0..<features.count { sums[j] += abs(values[base + j]) }
            }
        }
        return sums.map { $0 / Double(rows * outputs) }
    }
}

extension GradientBoostedTrees {
    /// Exact TreeSHAP contributions of every row of `table` to the raw score (`TreeSHAP`).
    /// Rows are explained in fixed blocks on all cores; each row's sums run in tree order, so the
    /// values are the same for any `jobs`.
    public func contributions(_ table: Table, jobs: Int = 1) -> Contributions {
        let n = table.rowCount, k = initialScores.count, width = features.count + 1
        let perFeature: [[UInt8]] = Parallel.map(features.count, jobs: jobs) { i in mappers[i].bins(table.column(features[i]), rows: n) }
        var flat = [UInt8]()
        flat.reserveCapacity(n * features.count)
        for column in perFeature { flat += column }
        let bins = flat
        let missing = mappers.map(\.missingBin)
        let maxDepth = trees.joined().map(TreeSHAP.depth).max() ?? 0
        let expected = (0..<k).map { c in initialScores[c] + trees.reduce(0) { $0 + TreeSHAP.expectedValue($1[c]) } }
        let block = 1 << 10
        let blocks = (n + block - 1) / block
        let parts: [[Double]] = Parallel.map(blocks, jobs: blocks > 1 ? jobs : 1) { b in
            let range = (b * block)..<min(n, (b + 1) * block)
            var out = [Double](repeating: 0, count: range.count * k * width)
            var scratch = TreeSHAP.Scratch(maxDepth: maxDepth)
            bins.withUnsafeBufferPointer { bins in
                out.withUnsafeMutableBufferPointer { out in
                    for (i, r) in range.enumerated() {
                        for c in 0..<k {
                            let phi = UnsafeMutableBufferPointer(rebasing: out[((i * k + c) * width)..<((i * k + c + 1) * width)])
                            for iteration in trees {
                                TreeSHAP.accumulate(iteration[c], into: phi, scratch: &scratch) { node in
                                    Tree.goesLeft(node, bin: Int(bins[node.feature * n + r]), missingBin: missing[node.feature])
                                }
                            }
                            phi[width - 1] = expected[c]
                        }
                    }
                }
            }
            return out
        }
        return Contributions(features: features, outputs: k, rows: n, values: parts.flatMap { $0 })
    }
}

extension FeatureEncoder {
    /// Exact contributions of a linear model with `coefficients` over this design: for each
    /// feature, the sum over its design columns of w · (x − mean of x over `table`'s rows), and
    /// the last slot the mean margin, so each row's values sum to its margin. (For a linear
    /// model these are its SHAP values with the explained rows as background, as SHAP's
    /// LinearExplainer computes them under feature independence.)
    public func contributions(_ table: Table, coefficients: [Double], intercept: Double) -> Contributions {
        let design = encodeSparse(table)
        let n = design.rows, k = design.perRow, width = columns.count + 1
        var means = [Double](repeating: 0, count: design.width)
        for e in 0..<(n * k) { means[Int(design.indices[e])] += design.values[e] }
        if n > 0 { for j in means.indices { means[j] /= Double(n) } }
        // The margin of the mean row, and each encoding's share of it.
        var meanMargin = intercept
        for j in means.indices { meanMargin += means[j] * coefficients[j] }
        var offsets: [Int] = [], offset = 0
        for encoding in encodings {
            offsets.append(offset)
            switch encoding {
            case .numeric: offset += 1
            case .categorical(let levels): offset += levels.count
            }
        }
        var featureMeans = [Double](repeating: 0, count: columns.count)
        for (j, encoding) in encodings.enumerated() {
            let span: Int = if case .categorical(let levels) = encoding { levels.count } else { 1 }
            for s in offsets[j]..<(offsets[j] + span) { featureMeans[j] += means[s] * coefficients[s] }
        }
        var values = [Double](repeating: 0, count: n * width)
        for r in 0..<n {
            for j in 0..<k {
                let e = r * k + j
                values[r * width + j] = design.values[e] * coefficients[Int(design.indices[e])] - featureMeans[j]
            }
            values[r * width + width - 1] = meanMargin
        }
        return Contributions(features: columns, outputs: 1, rows: n, values: values)
    }
}

extension LogisticRegression {
    /// Exact contributions to the log-odds (`FeatureEncoder.contributions`).
    public func contributions(_ table: Table) -> Contributions {
        encoder.contributions(table, coefficients: coefficients, intercept: intercept)
    }
}

extension RidgeRegression {
    /// Exact contributions to the prediction (`FeatureEncoder.contributions`).
    public func contributions(_ table: Table) -> Contributions {
        encoder.contributions(table, coefficients: coefficients, intercept: intercept)
    }
}
