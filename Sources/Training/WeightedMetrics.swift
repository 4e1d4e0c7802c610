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

    public init(labels: [Bool], probabilities: [Double]) {
        self.labels = labels
        self.truth = nil
        self.scores = probabilities
        ascending = probabilities.indices.sorted { probabilities[$0] < probabilities[$1] }
    }

    public init(truth: [Double], predictions: [Double]) {
        self.labels = nil
        self.truth = truth
        self.scores = predictions
        ascending = []
    }

    public var count: Int { scores.count }

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
                let weight = Double(w[i]), e = truth[i] - scores[i]
                total += weight; sumAbs += weight * abs(e); sumSq += weight * e * e; ySum += weight * truth[i]
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
                let weight = Double(w[i]), predicted = scores[i] >= 0.5
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
            let eps = Double.ulpOfOne
            var sum = 0.0, total = 0.0
            for i in 0..<count where w[i] > 0 {
                let q = min(max(scores[i], eps), 1 - eps)
                sum -= Double(w[i]) * (labels[i] ? log(q) : log(1 - q))
                total += Double(w[i])
            }
            return sum / total
        case .brier:
            var sum = 0.0, total = 0.0
            for i in 0..<count where w[i] > 0 {
                let e = scores[i] - (labels[i] ? 1 : 0)
                sum += Double(w[i]) * e * e
                total += Double(w[i])
            }
            return sum / total
        case .ece:
            var n = [Double](repeating: 0, count: 10), y = n, p = n
            var total = 0.0
            for i in 0..<count where w[i] > 0 {
                let b = min(9, max(0, Int(scores[i] * 10))), weight = Double(w[i])
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

    /// Weighted Mann–Whitney AUC with midranks over tied scores.
    private func auc(_ labels: [Bool], _ w: [Int32]) -> Double {
        var positives = 0.0, negatives = 0.0, rankSum = 0.0
        var rank = 0.0
        var i = 0
        while i < ascending.count {
            var j = i
            var groupWeight = 0.0, groupPositive = 0.0
            while j < ascending.count && scores[ascending[j]] == scores[ascending[i]] {
                let row = ascending[j]
                groupWeight += Double(w[row])
                if labels[row] { groupPositive += Double(w[row]) }
                j += 1
            }
            // Ranks rank+1 … rank+groupWeight share their mean.
            let midrank = rank + (groupWeight + 1) / 2
            rankSum += groupPositive * midrank
            positives += groupPositive
            negatives += groupWeight - groupPositive
            rank += groupWeight
            i = j
        }
        guard positives > 0, negatives > 0 else { return .nan }
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives)
    }

    private func averagePrecision(_ labels: [Bool], _ w: [Int32]) -> Double {
        var totalPositive = 0.0
        for i in 0..<count where labels[i] { totalPositive += Double(w[i]) }
        guard totalPositive > 0 else { return .nan }
        var tp = 0.0, fp = 0.0, previousRecall = 0.0, ap = 0.0
        var i = ascending.count - 1
        while i >= 0 {
            let threshold = scores[ascending[i]]
            while i >= 0 && scores[ascending[i]] == threshold {
                let row = ascending[i]
                if labels[row] { tp += Double(w[row]) } else { fp += Double(w[row]) }
                i -= 1
            }
            if tp + fp > 0 {
                let recall = tp / totalPositive
                ap += (recall - previousRecall) * (tp / (tp + fp))
                previousRecall = recall
            }
        }
        return ap
    }
}
