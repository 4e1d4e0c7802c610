import Foundation

/// Model metrics exactly as scikit-learn defines them (SPEC §3), over contiguous arrays.
///
/// Binary labels are `true` for the positive class; scores are the positive class's
/// probability (or any score, for the rank metrics). Predictions at threshold 0.5.
public enum Metrics {
    /// Changes whenever a change to the training core could change a trained model: part of
    /// every cache key, so a new core never reuses an old model.
    public static let coreVersion = "training-core/6"

    // MARK: Ranking

    /// `roc_auc_score`: the probability that a random positive outranks a random negative,
    /// ties counting one half (the Mann–Whitney statistic with midranks). NaN when only one
    /// class is present, where scikit-learn raises.
    public static func rocAUC(labels: [Bool], scores: [Double]) -> Double {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var positives = 0.0, rankSum = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let midrank = Double(i + j) / 2 + 1
            for k in i...j where labels[order[k]] {
                positives += 1
                rankSum += midrank
            }
            i = j + 1
        }
        let negatives = Double(order.count) - positives
        guard positives > 0, negatives > 0 else { return .nan }
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives)
    }

    /// `rocAUC` of rows given as groups that share a score: `positives[g]` and `negatives[g]`
    /// rows score `scores[g]`. Equal to `rocAUC` on the rows themselves, to the bit: both sum
    /// half-integer ranks exactly and divide once.
    public static func rocAUC(scores: [Double], positives: [Double], negatives: [Double]) -> Double {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var below = 0.0, sum = 0.0, p = 0.0, n = 0.0
        var i = 0
        while i < order.count {
            var pos = 0.0, neg = 0.0
            var j = i
            while j < order.count && scores[order[j]] == scores[order[i]] {
                pos += positives[order[j]]
                neg += negatives[order[j]]
                j += 1
            }
            // Each positive here outranks the negatives below and half of those tied with it.
            sum += pos * (below + neg / 2)
            below += neg
            p += pos
            n += neg
            i = j
        }
        guard p > 0, n > 0 else { return .nan }
        return sum / (p * n)
    }

    /// `average_precision_score`: Σ (Rₙ − Rₙ₋₁) Pₙ over the distinct score thresholds, highest first.
    public static func averagePrecision(labels: [Bool], scores: [Double]) -> Double {
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        let totalPositives = Double(labels.filter { $0 }.count)
        guard totalPositives > 0 else { return .nan }
        var tp = 0.0, fp = 0.0, previousRecall = 0.0, ap = 0.0
        var i = 0
        while i < order.count {
            let threshold = scores[order[i]]
            while i < order.count && scores[order[i]] == threshold {
                if labels[order[i]] { tp += 1 } else { fp += 1 }
                i += 1
            }
            let recall = tp / totalPositives
            ap += (recall - previousRecall) * (tp / (tp + fp))
            previousRecall = recall
        }
        return ap
    }

    // MARK: Thresholded

    /// Counts of the confusion matrix for the positive class.
    public struct Confusion: Sendable, Equatable {
        public var tp = 0, fp = 0, tn = 0, fn = 0
        public init(labels: [Bool], predictions: [Bool]) {
            for (y, p) in zip(labels, predictions) {
                switch (y, p) {
                case (true, true): tp += 1
                case (false, true): fp += 1
                case (false, false): tn += 1
                case (true, false): fn += 1
                }
            }
        }
        public var total: Int { tp + fp + tn + fn }
    }

    public static func accuracy(labels: [Bool], predictions: [Bool]) -> Double {
        let c = Confusion(labels: labels, predictions: predictions)
        return c.total == 0 ? .nan : Double(c.tp + c.tn) / Double(c.total)
    }

    /// `precision_score` for the positive class; 0 when nothing is predicted positive
    /// (scikit-learn's `zero_division` default, with its warning).
    public static func precision(labels: [Bool], predictions: [Bool]) -> Double {
        let c = Confusion(labels: labels, predictions: predictions)
        return c.tp + c.fp == 0 ? 0 : Double(c.tp) / Double(c.tp + c.fp)
    }

    public static func recall(labels: [Bool], predictions: [Bool]) -> Double {
        let c = Confusion(labels: labels, predictions: predictions)
        return c.tp + c.fn == 0 ? 0 : Double(c.tp) / Double(c.tp + c.fn)
    }

    /// `f1_score` for the positive class: 2·TP / (2·TP + FP + FN), 0 when that is 0/0.
    public static func f1(labels: [Bool], predictions: [Bool]) -> Double {
        let c = Confusion(labels: labels, predictions: predictions)
        let denominator = 2 * c.tp + c.fp + c.fn
        return denominator == 0 ? 0 : Double(2 * c.tp) / Double(denominator)
    }

    // MARK: Probabilistic

    /// `log_loss` for binary labels: probabilities clipped to [ε, 1 − ε] with ε the double's
    /// machine epsilon, as scikit-learn does for float64 input.
    public static func logLoss(labels: [Bool], probabilities: [Double]) -> Double {
        let eps = Double.ulpOfOne
        var sum = 0.0
        for (y, p) in zip(labels, probabilities) {
            let q = min(max(p, eps), 1 - eps)
            sum -= y ? log(q) : log(1 - q)
        }
        return sum / Double(labels.count)
    }

    /// `brier_score_loss`: the mean squared difference between probability and outcome.
    public static func brier(labels: [Bool], probabilities: [Double]) -> Double {
        var sum = 0.0
        for (y, p) in zip(labels, probabilities) { sum += (p - (y ? 1 : 0)) * (p - (y ? 1 : 0)) }
        return sum / Double(labels.count)
    }

    /// Expected calibration error with 10 equal-width bins ([0, 0.1), …, [0.9, 1.0]):
    /// Σ |B|/n · |mean outcome in B − mean probability in B|.
    public static func expectedCalibrationError(labels: [Bool], probabilities: [Double], bins: Int = 10) -> Double {
        var count = [Int](repeating: 0, count: bins)
        var outcome = [Double](repeating: 0, count: bins), confidence = [Double](repeating: 0, count: bins)
        for (y, p) in zip(labels, probabilities) {
            let b = min(bins - 1, max(0, Int(p * Double(bins))))
            count[b] += 1
            outcome[b] += y ? 1 : 0
            confidence[b] += p
        }
        var ece = 0.0
        for b in 0..<bins where count[b] > 0 {
            ece += abs(outcome[b] - confidence[b]) / Double(labels.count)
        }
        return ece
    }

    // MARK: Regression

    public static func rmse(_ truth: [Double], _ predicted: [Double]) -> Double {
        var sum = 0.0
        for (y, p) in zip(truth, predicted) { sum += (y - p) * (y - p) }
        return (sum / Double(truth.count)).squareRoot()
    }

    public static func mae(_ truth: [Double], _ predicted: [Double]) -> Double {
        var sum = 0.0
        for (y, p) in zip(truth, predicted) { sum += abs(y - p) }
        return sum / Double(truth.count)
    }

    /// `r2_score`: 1 − SS_res / SS_tot; with constant truth, 1 for a perfect fit and 0
    /// otherwise (scikit-learn's `force_finite`).
    public static func r2(_ truth: [Double], _ predicted: [Double]) -> Double {
        let mean = truth.reduce(0, +) / Double(truth.count)
        var residual = 0.0, total = 0.0
        for (y, p) in zip(truth, predicted) {
            residual += (y - p) * (y - p)
            total += (y - mean) * (y - mean)
        }
        if total == 0 { return residual == 0 ? 1 : 0 }
        return 1 - residual / total
    }
}
