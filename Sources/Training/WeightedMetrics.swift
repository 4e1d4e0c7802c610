import Foundation

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
    /// Row indices by ascending score: the one sort the rank metrics need.
    private let ascending: [Int]
    /// In that order: each row's index (narrow, for the gather of its weight), whether it is
    /// positive, and whether it ends a run of tied scores — so a rank metric's pass reads two
    /// arrays in order and one weight per row, with no score comparison.
    private let sortedRows: [Int32]
    private let sortedPositive: [Double]
    private let endsTie: [Bool]
    /// Per-row terms computed once, so a resample's pass is a weighted sum with no `log` or
    /// branch per row: the log loss term −log q of the true class, the squared error (Brier or
    /// regression), the absolute error (regression), the calibration bin (ECE), and whether the
    /// 0.5 threshold predicts positive.
    private let logLossTerm: [Double]
    private let squaredError: [Double]
    private let absoluteError: [Double]
    private let calibrationBin: [UInt8]
    private let predictedPositive: [Bool]
    /// As numbers, for sums without a branch: the label (1/0), the predicted class (1/0), and both.
    private let positiveValue: [Double]
    private let predictedValue: [Double]
    private let truePositiveValue: [Double]

    public init(labels: [Bool], probabilities: [Double]) {
        self.labels = labels
        self.truth = nil
        self.scores = probabilities
        let ascending = probabilities.indices.sorted { probabilities[$0] < probabilities[$1] }
        self.ascending = ascending
        sortedRows = ascending.map { Int32($0) }
        sortedPositive = ascending.map { labels[$0] ? 1 : 0 }
        endsTie = ascending.indices.map { j in j == ascending.count - 1 || probabilities[ascending[j + 1]] != probabilities[ascending[j]] }
        let eps = Double.ulpOfOne
        logLossTerm = zip(labels, probabilities).map { label, p in
            let q = min(max(p, eps), 1 - eps)
            return -(label ? log(q) : log(1 - q))
        }
        squaredError = zip(labels, probabilities).map { label, p in let e = p - (label ? 1 : 0); return e * e }
        absoluteError = []
        calibrationBin = probabilities.map { UInt8(min(9, max(0, Int($0 * 10)))) }
        predictedPositive = probabilities.map { $0 >= 0.5 }
        positiveValue = labels.map { $0 ? 1 : 0 }
        predictedValue = probabilities.map { $0 >= 0.5 ? 1 : 0 }
        truePositiveValue = zip(labels, probabilities).map { $0 && $1 >= 0.5 ? 1 : 0 }
    }

    public init(truth: [Double], predictions: [Double]) {
        self.labels = nil
        self.truth = truth
        self.scores = predictions
        ascending = []
        sortedRows = []
        sortedPositive = []
        endsTie = []
        squaredError = zip(truth, predictions).map { t, p in let e = t - p; return e * e }
        absoluteError = zip(truth, predictions).map { t, p in abs(t - p) }
        logLossTerm = []
        calibrationBin = []
        predictedPositive = []
        positiveValue = []
        predictedValue = []
        truePositiveValue = []
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
        guard let labels else { return .nan }
        switch name {
        case .auc: return auc(labels, w)
        case .prAUC: return averagePrecision(labels, w)
        case .accuracy, .f1, .precision, .recall:
            var tp = 0.0, fp = 0.0, tn = 0.0, fn = 0.0
            for i in 0..<count where w[i] > 0 {
                let weight = Double(w[i]), predicted = predictedPositive[i]
                switch (labels[i], predicted) {
                case (true, true): tp += weight
                case (false, true): fp += weight
                case (false, false): tn += weight
                case (true, false): fn += weight
                }
            }
            switch name {
            case .accuracy: return (tp + tn) / (tp + fp + tn + fn)
            case .precision: return tp + fp == 0 ? 0 : tp / (tp + fp)
            case .recall: return tp + fn == 0 ? 0 : tp / (tp + fn)
            default: return 2 * tp + fp + fn == 0 ? 0 : 2 * tp / (2 * tp + fp + fn)
            }
        case .logLoss:
            var sum = 0.0, total = 0.0
            for i in 0..<count where w[i] > 0 {
                sum -= Double(w[i]) * -logLossTerm[i]
                total += Double(w[i])
            }
            return sum / total
        case .brier:
            var sum = 0.0, total = 0.0
            for i in 0..<count where w[i] > 0 {
                sum += Double(w[i]) * squaredError[i]
                total += Double(w[i])
            }
            return sum / total
        case .ece:
            var n = [Double](repeating: 0, count: 10), y = n, p = n
            var total = 0.0
            for i in 0..<count where w[i] > 0 {
                let b = Int(calibrationBin[i]), weight = Double(w[i])
                n[b] += weight; y[b] += labels[i] ? weight : 0; p[b] += weight * scores[i]
                total += weight
            }
            var ece = 0.0
            for b in 0..<10 where n[b] > 0 { ece += abs(y[b] - p[b]) / total }
            return ece
        default:
            return .nan
        }
    }

    /// Several metrics under one set of weights, in one pass over the rows for all but the rank
    /// metrics (which walk the sort once each): what a bootstrap resample asks. Each value is
    /// the one `value(_:weights:)` gives — the same sums in the same order.
    public func values(_ names: [Name], weights w: [Int32]) -> [Double] {
        guard let labels, !names.contains(where: \.isRegression) else { return names.map { value($0, weights: w) } }
        let sums = w.withUnsafeBufferPointer { w in
            positiveValue.withUnsafeBufferPointer { y in
                predictedValue.withUnsafeBufferPointer { p in
                    truePositiveValue.withUnsafeBufferPointer { yp in
                        logLossTerm.withUnsafeBufferPointer { logLossTerm in
                            squaredError.withUnsafeBufferPointer { squaredError in
                                Self.sums(w, y, p, yp, logLossTerm, squaredError)
                            }
                        }
                    }
                }
            }
        }
        let (tp, fp, tn, fn, total) = (sums.tp, sums.fp, sums.tn, sums.fn, sums.total)
        return names.map { name in
            switch name {
            case .auc: auc(labels, w)
            case .prAUC: averagePrecision(labels, w)
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
        var tp = 0.0, fp = 0.0, tn = 0.0, fn = 0.0, logLoss = 0.0, brier = 0.0, total = 0.0
    }

    /// The weighted sums of one resample, in row order; locals, so they stay in registers. Six
    /// dot products with the weights, no branch per row (a third of a resample's weights are 0,
    /// at random: a branch on them mispredicts), so the loop vectorises; the confusion counts
    /// follow from them (fn = Σw·y − tp, fp = Σw·p − tp, tn = the rest).
    private static func sums(_ w: UnsafeBufferPointer<Int32>, _ y: UnsafeBufferPointer<Double>, _ p: UnsafeBufferPointer<Double>,
                             _ yp: UnsafeBufferPointer<Double>, _ logLossTerm: UnsafeBufferPointer<Double>,
                             _ squaredError: UnsafeBufferPointer<Double>) -> Sums {
        var total = 0.0, positive = 0.0, predicted = 0.0, tp = 0.0, logLoss = 0.0, brier = 0.0
        for i in 0..<w.count {
            let weight = Double(w[i])
            total += weight
            positive += weight * y[i]
            predicted += weight * p[i]
            tp += weight * yp[i]
            logLoss += weight * logLossTerm[i]
            brier += weight * squaredError[i]
        }
        let fn = positive - tp, fp = predicted - tp
        return Sums(tp: tp, fp: fp, tn: total - tp - fn - fp, fn: fn, logLoss: logLoss, brier: brier, total: total)
    }

    /// Weighted Mann–Whitney AUC with midranks over tied scores.
    private func auc(_ labels: [Bool], _ w: [Int32]) -> Double {
        w.withUnsafeBufferPointer { w in
            sortedRows.withUnsafeBufferPointer { rows in
                sortedPositive.withUnsafeBufferPointer { positive in
                    endsTie.withUnsafeBufferPointer { endsTie in Self.auc(w, rows, positive, endsTie) }
                }
            }
        }
    }

    private static func auc(_ w: UnsafeBufferPointer<Int32>, _ rows: UnsafeBufferPointer<Int32>, _ positive: UnsafeBufferPointer<Double>,
                            _ endsTie: UnsafeBufferPointer<Bool>) -> Double {
        var positives = 0.0, negatives = 0.0, rankSum = 0.0, rank = 0.0
        var groupWeight = 0.0, groupPositive = 0.0
        for j in 0..<rows.count {
            let weight = Double(w[Int(rows[j])])
            groupWeight += weight
            groupPositive += weight * positive[j]
            guard endsTie[j] else { continue }
            // Ranks rank+1 … rank+groupWeight share their mean.
            let midrank = rank + (groupWeight + 1) / 2
            rankSum += groupPositive * midrank
            positives += groupPositive
            negatives += groupWeight - groupPositive
            rank += groupWeight
            groupWeight = 0
            groupPositive = 0
        }
        guard positives > 0, negatives > 0 else { return .nan }
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives)
    }

    private func averagePrecision(_ labels: [Bool], _ w: [Int32]) -> Double {
        w.withUnsafeBufferPointer { w in
            labels.withUnsafeBufferPointer { labels in
                sortedRows.withUnsafeBufferPointer { rows in
                    sortedPositive.withUnsafeBufferPointer { positive in
                        endsTie.withUnsafeBufferPointer { endsTie in Self.averagePrecision(w, labels, rows, positive, endsTie) }
                    }
                }
            }
        }
    }

    private static func averagePrecision(_ w: UnsafeBufferPointer<Int32>, _ labels: UnsafeBufferPointer<Bool>, _ rows: UnsafeBufferPointer<Int32>,
                                         _ positive: UnsafeBufferPointer<Double>, _ endsTie: UnsafeBufferPointer<Bool>) -> Double {
        var totalPositive = 0.0
        for i in 0..<w.count where labels[i] { totalPositive += Double(w[i]) }
        guard totalPositive > 0 else { return .nan }
        var tp = 0.0, fp = 0.0, previousRecall = 0.0, ap = 0.0
        // From the highest score down; a run of ties is one threshold.
        var j = rows.count - 1
        while j >= 0 {
            let weight = Double(w[Int(rows[j])])
            tp += weight * positive[j]
            fp += weight * (1 - positive[j])
            j -= 1
            // The run ends where the row below holds another score (or there is none).
            if j < 0 || endsTie[j], tp + fp > 0 {
                let recall = tp / totalPositive
                ap += (recall - previousRecall) * (tp / (tp + fp))
                previousRecall = recall
            }
        }
        return ap
    }
}
