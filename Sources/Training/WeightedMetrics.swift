import Foundation
import Tabular

/// Metrics over a sample given as integer weights per row (how many times a bootstrap
/// resample drew each row), so that 1,000 resamples cost 1,000 linear passes instead of
/// 1,000 sorts. With all weights 1 each equals its `Metrics` counterpart.
public struct WeightedMetrics: Sendable {
    public enum Name: String, Sendable, CaseIterable {
        case auc, prAUC = "pr_auc", accuracy, f1, precision, recall, logLoss = "log_loss", brier, ece, rmse, mae, r2

        /// True when a larger value is better.
        public var higherIsBetter: Bool {
            switch self {
            case .auc, .prAUC, .accuracy, .f1, .precision, .recall, .r2: true
            case .logLoss, .brier, .ece, .rmse, .mae: false
            }
        }

        public var isRegression: Bool { self == .rmse || self == .mae || self == .r2 }
    }

    /// Binary labels, or nil for regression.
    public let labels: [Bool]?
    /// Regression truth.
    public let truth: [Double]?
    /// Positive-class probabilities (classification) or predictions (regression).
    public let scores: [Double]
    /// Row indices by ascending score (the one sort; average precision walks it), narrow so
    /// that its pass reads 4 bytes a row and gathers one weight.
    private let sortedRows: [Int32]
    /// In that order, a byte a row: bit 0 the row is positive, bit 1 it ends a run of tied
    /// scores — so a rank metric's pass makes no score comparison.
    private let sortedFlags: [UInt8]
    /// The AUC's layout: negatives' rows by ascending score; positives' rows by ascending
    /// score, each with how many negatives score below it and how many at or below it. A
    /// resample's AUC is then a running sum over the negatives and one multiply-add a positive.
    private let negativeRows: [Int32]
    private let positiveRows: [Int32]
    private let negativesBelow: [Int32]
    private let negativesAtOrBelow: [Int32]
    /// Per-row terms computed once, so a resample's pass is a weighted sum with no `log` or
    /// branch per row: the log loss term −log q of the true class, the squared error (Brier or
    /// regression), the absolute error (regression), the calibration bin (ECE).
    private let logLossTerm: [Double]
    private let squaredError: [Double]
    private let absoluteError: [Double]
    private let calibrationBin: [UInt8]
    /// A byte a row in row order: bit 0 the label is positive, bit 1 the 0.5 threshold predicts
    /// positive. The confusion counts are integer sums over it, sixteen rows a step, where three
    /// arrays of doubles took a scalar pass.
    private let outcome: [UInt8]

    public init(labels: [Bool], probabilities: [Double]) {
        self.labels = labels
        self.truth = nil
        self.scores = probabilities
        let ascending: [Int]
        if let order = RadixSort.ascendingOrder(probabilities) {
            sortedRows = order
            ascending = order.map { Int($0) }
        } else {
            ascending = probabilities.indices.sorted { probabilities[$0] < probabilities[$1] }
            sortedRows = ascending.map { Int32($0) }
        }
        sortedFlags = ascending.indices.map { j in
            let endsTie = j == ascending.count - 1 || probabilities[ascending[j + 1]] != probabilities[ascending[j]]
            return (labels[ascending[j]] ? 1 : 0) | (endsTie ? 2 : 0)
        }
        var negativeRows: [Int32] = [], positiveRows: [Int32] = [], below: [Int32] = [], atOrBelow: [Int32] = []
        var start = 0
        while start < ascending.count {
            var end = start + 1
            while end < ascending.count, probabilities[ascending[end]] == probabilities[ascending[start]] { end += 1 }
            let before = Int32(negativeRows.count)
            for j in start..<end where !labels[ascending[j]] { negativeRows.append(Int32(ascending[j])) }
            for j in start..<end where labels[ascending[j]] {
                positiveRows.append(Int32(ascending[j]))
                below.append(before)
                atOrBelow.append(Int32(negativeRows.count))
            }
            start = end
        }
        (self.negativeRows, self.positiveRows, negativesBelow, negativesAtOrBelow) = (negativeRows, positiveRows, below, atOrBelow)
        let eps = Double.ulpOfOne
        logLossTerm = zip(labels, probabilities).map { label, p in
            let q = min(max(p, eps), 1 - eps)
            return -(label ? log(q) : log(1 - q))
        }
        squaredError = zip(labels, probabilities).map { label, p in let e = p - (label ? 1 : 0); return e * e }
        absoluteError = []
        calibrationBin = probabilities.map { UInt8(min(9, max(0, Int($0 * 10)))) }
        outcome = zip(labels, probabilities).map { label, p in (label ? 1 : 0) | (p >= 0.5 ? 2 : 0) }
    }

    public init(truth: [Double], predictions: [Double]) {
        self.labels = nil
        self.truth = truth
        self.scores = predictions
        sortedRows = []
        sortedFlags = []
        (negativeRows, positiveRows, negativesBelow, negativesAtOrBelow) = ([], [], [], [])
        squaredError = zip(truth, predictions).map { t, p in let e = t - p; return e * e }
        absoluteError = zip(truth, predictions).map { t, p in abs(t - p) }
        logLossTerm = []
        calibrationBin = []
        outcome = []
    }

    public var count: Int { scores.count }

    /// Whether `other` holds the same rows' scores (a copy of this sample): then one pass serves both.
    func isSameSample(_ other: WeightedMetrics) -> Bool {
        scores.withUnsafeBufferPointer { a in other.scores.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress && a.count == b.count } }
    }

    /// The rows at `indices` as a sample of their own (for slices).
    public func subset(_ indices: [Int]) -> WeightedMetrics {
        if let labels { return WeightedMetrics(labels: indices.map { labels[$0] }, probabilities: indices.map { scores[$0] }) }
        return WeightedMetrics(truth: indices.map { truth![$0] }, predictions: indices.map { scores[$0] })
    }

    /// The metric with every row weighted once.
    public func value(_ name: Name) -> Double {
        value(name, weights: [Int32](repeating: 1, count: count))
    }

    public func value(_ name: Name, weights w: [Int32]) -> Double {
        w.withUnsafeBufferPointer { value(name, weights: $0) }
    }

    /// Any integer weights give the same value for the same counts: every weighted sum below
    /// adds `Double(weight)` terms in row (or score) order, and the counts are exact integers.
    func value<W: FixedWidthInteger>(_ name: Name, weights w: UnsafeBufferPointer<W>) -> Double {
        if let truth {
            var total = 0.0, sumAbs = 0.0, sumSq = 0.0, ySum = 0.0
            for i in 0..<count where w[i] > 0 {
                let weight = Double(w[i])
                total += weight; sumAbs += weight * absoluteError[i]; sumSq += weight * squaredError[i]; ySum += weight * truth[i]
            }
            switch name {
            case .rmse: return (sumSq / total).squareRoot()
            case .mae: return sumAbs / total
            case .r2:
                let mean = ySum / total
                var ss = 0.0
                for i in 0..<count where w[i] > 0 { ss += Double(w[i]) * (truth[i] - mean) * (truth[i] - mean) }
                return ss == 0 ? (sumSq == 0 ? 1 : 0) : 1 - sumSq / ss
            default: return .nan
            }
        }
        guard labels != nil else { return .nan }
        switch name {
        case .ece:
            var n = [Double](repeating: 0, count: 10), y = n, p = n
            var total = 0.0
            for i in 0..<count where w[i] > 0 {
                let b = Int(calibrationBin[i]), weight = Double(w[i])
                n[b] += weight; y[b] += outcome[i] & 1 == 1 ? weight : 0; p[b] += weight * scores[i]
                total += weight
            }
            var ece = 0.0
            for b in 0..<10 where n[b] > 0 { ece += abs(y[b] - p[b]) / total }
            return ece
        case .rmse, .mae, .r2:
            return .nan
        default:
            return values([name], weights: w)[0]
        }
    }

    /// Several metrics under one set of weights: what a bootstrap resample asks. One pass over
    /// the rows gives the confusion counts and the loss sums the names need; the rank metrics
    /// walk the sort once each.
    public func values(_ names: [Name], weights w: [Int32]) -> [Double] {
        w.withUnsafeBufferPointer { values(names, weights: $0) }
    }

    /// The same with a byte a weight: what the bootstrap draws (a row is drawn more than 255
    /// times in no resample it makes; see `PairedBootstrap.draw`), so that its weights stay in
    /// the core's cache while the passes gather them.
    func values<W: FixedWidthInteger>(_ names: [Name], weights w: UnsafeBufferPointer<W>) -> [Double] {
        guard labels != nil, !names.contains(where: \.isRegression) else { return names.map { value($0, weights: w) } }
        let sums = outcome.withUnsafeBufferPointer { outcome in
            logLossTerm.withUnsafeBufferPointer { logLossTerm in
                squaredError.withUnsafeBufferPointer { squaredError in
                    Self.sums(w, outcome, names.contains(.logLoss) ? logLossTerm : nil, names.contains(.brier) ? squaredError : nil)
                }
            }
        }
        let (tp, fp, tn, fn, total) = (sums.tp, sums.fp, sums.tn, sums.fn, sums.total)
        return names.map { name in
            switch name {
            case .auc: auc(w)
            case .prAUC: averagePrecision(w, totalPositive: sums.positive)
            case .accuracy: (tp + tn) / (tp + fp + tn + fn)
            case .precision: tp + fp == 0 ? 0 : tp / (tp + fp)
            case .recall: tp + fn == 0 ? 0 : tp / (tp + fn)
            case .f1: 2 * tp + fp + fn == 0 ? 0 : 2 * tp / (2 * tp + fp + fn)
            case .logLoss: sums.logLoss / total
            case .brier: sums.brier / total
            case .ece: value(.ece, weights: w)
            case .rmse, .mae, .r2: .nan
            }
        }
    }

    private struct Sums {
        var tp = 0.0, fp = 0.0, tn = 0.0, fn = 0.0, positive = 0.0, logLoss = 0.0, brier = 0.0, total = 0.0
    }

    /// The weighted sums of one resample. The counts are integer sums, exact; a loss is summed
    /// in four lanes (row i in lane i mod 4, the lanes added in order at the end), so that the
    /// sum is one fixed order whatever the thread count, and four times shorter a chain than
    /// one running sum. No branch per row (a third of a resample's weights are 0, at random:
    /// a branch on them mispredicts).
    private static func sums<W: FixedWidthInteger>(_ w: UnsafeBufferPointer<W>, _ outcome: UnsafeBufferPointer<UInt8>,
                                                   _ logLossTerm: UnsafeBufferPointer<Double>?, _ squaredError: UnsafeBufferPointer<Double>?) -> Sums {
        var total = 0, positive = 0, predicted = 0, tp = 0
        var i = 0
        if W.self == UInt8.self, let weights = UnsafeRawPointer(w.baseAddress), let outcomes = UnsafeRawPointer(outcome.baseAddress) {
            (total, positive, predicted, tp, i) = byteCounts(weights, outcomes, count: w.count)
        }
        while i < w.count {
            let weight = Int(w[i]), o = Int(outcome[i])
            total &+= weight
            positive &+= weight &* (o & 1)
            predicted &+= weight &* (o >> 1)
            tp &+= weight &* (o & (o >> 1))
            i += 1
        }
        let fn = positive - tp, fp = predicted - tp
        return Sums(tp: Double(tp), fp: Double(fp), tn: Double(total - tp - fn - fp), fn: Double(fn), positive: Double(positive),
                    logLoss: logLossTerm.map { weightedSum(w, $0) } ?? .nan, brier: squaredError.map { weightedSum(w, $0) } ?? .nan,
                    total: Double(total))
    }

    /// The four counts over byte weights sixteen rows a step, in 16-bit lanes emptied every 128
    /// steps (each lane adds two bytes a step: 128 × 2 × 255 fits): the bootstrap's weights are
    /// bytes, and a scalar loop over them was a third of a resample. Sixteen bytes are read as
    /// eight 16-bit lanes and split into their low and high bytes by masks, because a widening
    /// conversion of SIMD vectors compiles to a call and an element-by-element loop. Returns
    /// the rows counted (a multiple of 16); the caller does the rest.
    private static func byteCounts(_ w: UnsafeRawPointer, _ outcome: UnsafeRawPointer,
                                   count: Int) -> (total: Int, positive: Int, predicted: Int, tp: Int, rows: Int) {
        var total = 0, positive = 0, predicted = 0, tp = 0
        var i = 0
        let low = SIMD8<UInt16>(repeating: 0x00FF), one = SIMD8<UInt16>(repeating: 1)
        @inline(__always) func sum(_ v: SIMD8<UInt16>) -> Int { Int(SIMD8<UInt32>(truncatingIfNeeded: v).wrappedSum()) }
        while i + 16 <= count {
            var t = SIMD8<UInt16>(), a = t, b = t, c = t
            var steps = 0
            while steps < 128, i + 16 <= count {
                let weights = w.loadUnaligned(fromByteOffset: i, as: SIMD8<UInt16>.self)
                let outcomes = outcome.loadUnaligned(fromByteOffset: i, as: SIMD8<UInt16>.self)
                let (w0, w1) = (weights & low, weights &>> 8)
                let (o0, o1) = (outcomes & low, outcomes &>> 8)
                let (y0, y1) = (o0 & one, o1 & one)
                let (p0, p1) = (o0 &>> 1, o1 &>> 1)
                t &+= w0 &+ w1
                a &+= w0 &* y0 &+ w1 &* y1
                b &+= w0 &* p0 &+ w1 &* p1
                c &+= w0 &* (y0 & p0) &+ w1 &* (y1 & p1)
                i += 16
                steps += 1
            }
            total += sum(t)
            positive += sum(a)
            predicted += sum(b)
            tp += sum(c)
        }
        return (total, positive, predicted, tp, i)
    }

    /// Σ w·x in four lanes, added in a fixed order.
    private static func weightedSum<W: FixedWidthInteger>(_ w: UnsafeBufferPointer<W>, _ x: UnsafeBufferPointer<Double>) -> Double {
        var lanes = SIMD4<Double>()
        var i = 0
        if W.self == UInt8.self, let bytes = UnsafeRawPointer(w.baseAddress), let values = UnsafeRawPointer(x.baseAddress) {
            while i + 4 <= w.count {
                let weights = SIMD4<Double>(SIMD4<Int32>(truncatingIfNeeded: bytes.loadUnaligned(fromByteOffset: i, as: SIMD4<UInt8>.self)))
                lanes += weights * values.loadUnaligned(fromByteOffset: i * 8, as: SIMD4<Double>.self)
                i += 4
            }
        }
        while i + 4 <= w.count {
            let weights = SIMD4<Double>(Double(w[i]), Double(w[i + 1]), Double(w[i + 2]), Double(w[i + 3]))
            lanes += weights * SIMD4<Double>(x[i], x[i + 1], x[i + 2], x[i + 3])
            i += 4
        }
        var tail = 0.0
        while i < w.count {
            tail += Double(w[i]) * x[i]
            i += 1
        }
        return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + tail
    }

    /// Weighted Mann–Whitney AUC with midranks over tied scores: U counts, for each positive,
    /// the negatives scored below it and half those tied with it. In integers — twice U is
    /// Σ w·(C[below] + C[at or below]) over the positives, C the running sum of the negatives'
    /// weights — so it is exact, as the double midrank sum it replaced was, and equal to it.
    private func auc<W: FixedWidthInteger>(_ w: UnsafeBufferPointer<W>) -> Double {
        negativeRows.withUnsafeBufferPointer { negatives in
            positiveRows.withUnsafeBufferPointer { positives in
                negativesBelow.withUnsafeBufferPointer { below in
                    negativesAtOrBelow.withUnsafeBufferPointer { atOrBelow in
                        withUnsafeTemporaryAllocation(of: Int.self, capacity: negatives.count + 1) { running in
                            Self.auc(w, negatives, positives, below, atOrBelow, running)
                        }
                    }
                }
            }
        }
    }

    private static func auc<W: FixedWidthInteger>(_ w: UnsafeBufferPointer<W>, _ negatives: UnsafeBufferPointer<Int32>,
                                                  _ positives: UnsafeBufferPointer<Int32>, _ below: UnsafeBufferPointer<Int32>,
                                                  _ atOrBelow: UnsafeBufferPointer<Int32>, _ running: UnsafeMutableBufferPointer<Int>) -> Double {
        var sum = 0
        running[0] = 0
        for k in 0..<negatives.count {
            sum &+= Int(w[Int(negatives[k])])
            running[k + 1] = sum
        }
        var twiceU = 0, positiveWeight = 0
        for i in 0..<positives.count {
            let weight = Int(w[Int(positives[i])])
            positiveWeight &+= weight
            twiceU &+= weight &* (running[Int(below[i])] &+ running[Int(atOrBelow[i])])
        }
        let p = Double(positiveWeight), n = Double(sum)
        guard p > 0, n > 0 else { return .nan }
        return Double(twiceU) / 2 / (p * n)
    }

    private func averagePrecision<W: FixedWidthInteger>(_ w: UnsafeBufferPointer<W>, totalPositive: Double) -> Double {
        guard totalPositive > 0 else { return .nan }
        return sortedRows.withUnsafeBufferPointer { rows in
            sortedFlags.withUnsafeBufferPointer { flags in
                // From the highest score down; a run of ties is one threshold.
                var tp = 0, fp = 0, previousRecall = 0.0, ap = 0.0
                var j = rows.count - 1
                while j >= 0 {
                    let weight = Int(w[Int(rows[j])]), positive = Int(flags[j] & 1)
                    tp &+= weight &* positive
                    fp &+= weight &* (1 - positive)
                    j -= 1
                    // The run ends where the row below holds another score (or there is none).
                    if j < 0 || flags[j] & 2 != 0, tp + fp > 0 {
                        let recall = Double(tp) / totalPositive
                        ap += (recall - previousRecall) * (Double(tp) / Double(tp + fp))
                        previousRecall = recall
                    }
                }
                return ap
            }
        }
    }
}
