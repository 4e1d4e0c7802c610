/// The best split of one feature's histogram, by the second-order gain of XGBoost and
/// LightGBM: G_L²/(H_L + λ) + G_R²/(H_R + λ) − G²/(H + λ).
struct SplitFinder {
    struct Candidate: Sendable {
        var feature: Int
        var threshold: Int
        var leftBins: [UInt64]?
        var missingLeft: Bool
        var gain: Double
        /// L2 regularisation of the two children's values: more after a split on a set of
        /// categories (LightGBM's `cat_l2`), whose sides fit the data more closely.
        var childL2: Double
    }

    let lambda: Double
    let minSamplesLeaf: Int
    let minHessian: Double
    /// LightGBM's defaults for categorical features. Up to `oneVersusRestBins` bins (the
    /// categories and one for the rest, `max_cat_to_onehot`), one category goes against the
    /// others. Beyond, categories with at least `categorySmoothing` rows are ordered by
    /// G/(H + `categorySmoothing`) (`cat_smooth`) and a run from either end of that order, of
    /// at most `maxCategoriesLeft` (`max_cat_threshold`) categories, goes left; each side keeps
    /// `minRowsPerGroup` rows (`min_data_per_group`), and both the gain and the children's
    /// values take `categoryL2` more regularisation (`cat_l2`).
    static let oneVersusRestBins = 4
    let categorySmoothing = 10.0
    static let maxCategoriesLeft = 32
    static let minRowsPerGroup = 100
    let categoryL2 = 10.0

    @inline(__always)
    private func score(_ g: Double, _ h: Double) -> Double { g * g / (h + lambda) }

    private func admissible(_ leftCount: Int, _ leftH: Double, _ rightCount: Int, _ rightH: Double) -> Bool {
        leftCount >= minSamplesLeaf && rightCount >= minSamplesLeaf && leftH >= minHessian && rightH >= minHessian
    }

    /// - Parameter rows: the leaf's rows. Rows on each side of a split are estimated from its
    ///   hessian as LightGBM does (rows × side's hessian / leaf's hessian): exact for squared
    ///   error, whose hessians are all 1, and close for the others.
    func best(_ histogram: Histogram, feature: Int, missingBin: Int, categorical: Bool, rows: Int) -> Candidate? {
        var totalG = 0.0, totalH = 0.0
        for b in 0...missingBin {
            totalG += histogram.gradient[b]
            totalH += histogram.hessian[b]
        }
        let totalCount = rows
        let perHessian = totalH > 0 ? Double(rows) / totalH : 0
        @inline(__always) func rowsOf(_ h: Double) -> Int { Int((h * perHessian).rounded()) }
        let parent = score(totalG, totalH)
        var best: Candidate?
        func consider(_ gain: Double, threshold: Int, leftBins: [UInt64]?, missingLeft: Bool, childL2: Double? = nil) {
            if gain > 0, gain > (best?.gain ?? 0) {
                best = Candidate(feature: feature, threshold: threshold, leftBins: leftBins, missingLeft: missingLeft, gain: gain,
                                 childL2: childL2 ?? lambda)
            }
        }
        if categorical {
            // Bins 0..<missingBin are the categories and the rest; missing values go right.
            if missingBin <= Self.oneVersusRestBins {
                for bin in 0..<missingBin where histogram.hessian[bin] > 0 {
                    let g = histogram.gradient[bin], h = histogram.hessian[bin], count = rowsOf(h)
                    guard admissible(count, h, totalCount - count, totalH - h) else { continue }
                    var set = [UInt64](repeating: 0, count: 4)
                    set[bin >> 6] |= 1 << UInt64(bin & 63)
                    consider(score(g, h) + score(totalG - g, totalH - h) - parent, threshold: -1, leftBins: set, missingLeft: false)
                }
                return best
            }
            let used = (0..<missingBin).filter { Double(rowsOf(histogram.hessian[$0])) >= categorySmoothing }
            let order = used.sorted {
                let a = histogram.gradient[$0] / (histogram.hessian[$0] + categorySmoothing)
                let b = histogram.gradient[$1] / (histogram.hessian[$1] + categorySmoothing)
                return a != b ? a < b : $0 < $1
            }
            let l2 = lambda + categoryL2
            let most = min(Self.maxCategoriesLeft, (order.count + 1) / 2)
            for run in [order, order.reversed()] {
                var g = 0.0, h = 0.0, count = 0, sinceLast = 0
                var set = [UInt64](repeating: 0, count: 4)
                for bin in run.prefix(most) {
                    g += histogram.gradient[bin]
                    h += histogram.hessian[bin]
                    count += rowsOf(histogram.hessian[bin])
                    sinceLast += rowsOf(histogram.hessian[bin])
                    set[bin >> 6] |= 1 << UInt64(bin & 63)
                    if count < minSamplesLeaf || h < minHessian { continue }
                    let rest = totalCount - count
                    if rest < minSamplesLeaf || rest < Self.minRowsPerGroup || totalH - h < minHessian { break }
                    if sinceLast < Self.minRowsPerGroup { continue }
                    sinceLast = 0
                    consider(g * g / (h + l2) + (totalG - g) * (totalG - g) / (totalH - h + l2) - parent, threshold: -1, leftBins: set,
                             missingLeft: false, childL2: l2)
                }
            }
            return best
        }
        // As LightGBM: first missing values left, and among thresholds of equal gain (bins no
        // row of this leaf falls in) the highest, so the cut sits against the right side's
        // values; then, when the leaf has missing values, missing right with the lowest
        // threshold, only if strictly better. Where a cut falls between a leaf's values decides
        // how unseen values between them are scored.
        let missingG = histogram.gradient[missingBin], missingH = histogram.hessian[missingBin]
        // Rows per bin estimated bin by bin; as LightGBM, a side's rows are the right side's
        // bins added up, and the left side the rest of the leaf's rows.
        let counts = (0..<missingBin).map { rowsOf(histogram.hessian[$0]) }
        let valueRows = counts.reduce(0, +)
        let left = scan(histogram, counts: counts, from: (missingG, missingH), rightRows: valueRows, total: (totalG, totalH),
                        rows: totalCount, parent: parent, keepLastTie: true)
        if left.gain > 0 {
            best = Candidate(feature: feature, threshold: left.threshold, leftBins: nil, missingLeft: true, gain: left.gain, childL2: lambda)
        }
        guard missingH > 0 else { return best }
        let right = scan(histogram, counts: counts, from: (0, 0), rightRows: valueRows + rowsOf(missingH), total: (totalG, totalH),
                         rows: totalCount, parent: parent, keepLastTie: false)
        consider(right.gain, threshold: right.threshold, leftBins: nil, missingLeft: false)
        return best
    }

    /// The best threshold t (bins ≤ t left, plus `from`) in one pass over a histogram's value
    /// bins: gain and bin, gain 0 when none is admissible. `rightRows` are the right side's
    /// estimated rows before any bin moves left. `keepLastTie` keeps the highest of equal gains.
    private func scan(_ histogram: Histogram, counts: [Int], from: (g: Double, h: Double), rightRows: Int, total: (g: Double, h: Double),
                      rows: Int, parent: Double, keepLastTie: Bool) -> (gain: Double, threshold: Int) {
        var bestGain = 0.0, bestThreshold = -1
        histogram.gradient.withUnsafeBufferPointer { gradients in
            histogram.hessian.withUnsafeBufferPointer { hessians in
                counts.withUnsafeBufferPointer { counts in
                    var g = from.g, h = from.h, rightRows = rightRows
                    for t in 0..<counts.count {
                        g += gradients[t]
                        h += hessians[t]
                        rightRows -= counts[t]
                        guard rows - rightRows >= minSamplesLeaf, rightRows >= minSamplesLeaf, h >= minHessian, total.h - h >= minHessian else {
                            continue
                        }
                        let gain = score(g, h) + score(total.g - g, total.h - h) - parent
                        if gain > 0, keepLastTie ? gain >= bestGain : gain > bestGain {
                            bestGain = gain
                            bestThreshold = t
                        }
                    }
                }
            }
        }
        return (bestGain, bestThreshold)
    }
}
