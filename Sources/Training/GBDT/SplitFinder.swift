/// The best split of one feature's histogram, by the second-order gain of XGBoost and
/// LightGBM: G_L²/(H_L + λ) + G_R²/(H_R + λ) − G²/(H + λ).
struct SplitFinder {
    struct Candidate: Sendable {
        var feature: Int
        var threshold: Int
        var leftBins: [UInt64]?
        var missingLeft: Bool
        var gain: Double
    }

    let lambda: Double
    let minSamplesLeaf: Int
    let minHessian: Double
    /// Added to a category's hessian when ordering categories (LightGBM's `cat_smooth`).
    let categorySmoothing = 10.0
    /// Up to this many categories, splits put one category against the rest (LightGBM's
    /// `max_cat_to_onehot`); beyond, a prefix of the categories ordered by mean gradient.
    static let oneVersusRestCategories = 4

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
        func consider(_ gain: Double, threshold: Int, leftBins: [UInt64]?, missingLeft: Bool) {
            if gain > 0, gain > (best?.gain ?? 0) {
                best = Candidate(feature: feature, threshold: threshold, leftBins: leftBins, missingLeft: missingLeft, gain: gain)
            }
        }
        if categorical {
            // Every row adds a positive hessian (floored at 1e-16), so a bin with rows has some.
            let present = (0..<missingBin).filter { histogram.hessian[$0] > 0 }
            if present.count <= Self.oneVersusRestCategories {
                // Few categories: one category against the rest, as LightGBM (max_cat_to_onehot).
                for bin in present {
                    let g = histogram.gradient[bin], h = histogram.hessian[bin], count = rowsOf(h)
                    guard admissible(count, h, totalCount - count, totalH - h) else { continue }
                    var set = [UInt64](repeating: 0, count: 4)
                    set[bin >> 6] |= 1 << UInt64(bin & 63)
                    consider(score(g, h) + score(totalG - g, totalH - h) - parent, threshold: -1, leftBins: set, missingLeft: false)
                }
                return best
            }
            // More: categories ordered by mean gradient; the best prefix of that order goes left
            // (Fisher's ordering, as LightGBM), missing values right.
            let order = present.sorted {
                let a = histogram.gradient[$0] / (histogram.hessian[$0] + categorySmoothing)
                let b = histogram.gradient[$1] / (histogram.hessian[$1] + categorySmoothing)
                return a != b ? a < b : $0 < $1
            }
            var g = 0.0, h = 0.0
            var set = [UInt64](repeating: 0, count: 4)
            for (i, bin) in order.enumerated() where i < order.count - 1 {
                g += histogram.gradient[bin]
                h += histogram.hessian[bin]
                let count = rowsOf(h)
                set[bin >> 6] |= 1 << UInt64(bin & 63)
                guard admissible(count, h, totalCount - count, totalH - h) else { continue }
                consider(score(g, h) + score(totalG - g, totalH - h) - parent, threshold: -1, leftBins: set, missingLeft: false)
            }
            return best
        }
        let missingG = histogram.gradient[missingBin], missingH = histogram.hessian[missingBin]
        for missingLeft in [false, true] where missingLeft == false || missingH > 0 {
            var g = missingLeft ? missingG : 0, h = missingLeft ? missingH : 0
            for t in 0..<missingBin {
                g += histogram.gradient[t]
                h += histogram.hessian[t]
                let count = rowsOf(h)
                guard admissible(count, h, totalCount - count, totalH - h) else { continue }
                consider(score(g, h) + score(totalG - g, totalH - h) - parent, threshold: t, leftBins: nil, missingLeft: missingLeft)
            }
        }
        return best
    }
}
