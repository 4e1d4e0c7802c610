import Foundation
import GateKit
import Training
import ModelRuns

/// Both models' outcome on each holdout row they were both scored on: right or wrong
/// (classification), the absolute error (regression), and the per-row loss (log loss of the
/// true class; squared error) whose difference the slice search ranks.
struct RowOutcomes {
    /// Holdout row indices, labelled, in row order.
    let rows: [Int]
    let candidateLoss: [Double]
    let baselineLoss: [Double]
    /// Classification: predicted class is the label. Regression: empty.
    let candidateRight: [Bool]
    let baselineRight: [Bool]
    /// Regression: |prediction − label|. Classification: empty.
    let candidateError: [Double]
    let baselineError: [Double]
    let isRegression: Bool

    init(task: LearningTask, holdout: Table, candidate: ScoredHoldout, baseline: ScoredHoldout) {
        let labelled = task.labelled(holdout) ?? ([], [], [], [])
        let rows = labelled.rows
        self.rows = rows
        isRegression = task.kind == .regression
        func outcome(_ scored: ScoredHoldout) -> (loss: [Double], right: [Bool], error: [Double]) {
            var loss = [Double](), right = [Bool](), error = [Double]()
            loss.reserveCapacity(rows.count)
            switch task.kind {
            case .binary:
                for (i, r) in rows.enumerated() {
                    let p = min(max(scored.scores[r], 1e-15), 1 - 1e-15)
                    let y = labelled.binary[i]
                    loss.append(y ? -log(p) : -log(1 - p))
                    right.append((p >= 0.5) == y)
                }
            case .multiclass:
                let k = scored.scoreClasses.count
                let index = Dictionary(uniqueKeysWithValues: scored.scoreClasses.enumerated().map { ($1, $0) })
                // The model's slot of each of the task's classes, looked up once per class.
                let slot = task.classes.map { index[$0] ?? -1 }
                for (i, r) in rows.enumerated() {
                    let truth = slot[labelled.classes[i]]
                    var best = 0
                    for c in 1..<max(k, 1) where scored.scores[r * k + c] > scored.scores[r * k + best] { best = c }
                    let p = truth >= 0 ? scored.scores[r * k + truth] : 0
                    loss.append(-log(min(max(p, 1e-15), 1)))
                    right.append(best == truth)
                }
            case .regression:
                for (i, r) in rows.enumerated() {
                    let e = scored.scores[r] - labelled.values[i]
                    loss.append(e * e)
                    error.append(abs(e))
                }
            }
            return (loss, right, error)
        }
        let c = outcome(candidate), b = outcome(baseline)
        (candidateLoss, candidateRight, candidateError) = c
        (baselineLoss, baselineRight, baselineError) = b
    }

    var count: Int { rows.count }

    /// The metric a slice reports for each model: accuracy, or RMSE for regression.
    var metricName: String { isRegression ? "rmse" : "accuracy" }

    func metric(_ positions: [Int], candidate: Bool) -> Double {
        guard !positions.isEmpty else { return .nan }
        if isRegression {
            let loss = candidate ? candidateLoss : baselineLoss
            return (positions.reduce(0.0) { $0 + loss[$1] } / Double(positions.count)).squareRoot()
        }
        let right = candidate ? candidateRight : baselineRight
        return Double(positions.filter { right[$0] }.count) / Double(positions.count)
    }
}

/// Seeded bootstrap intervals of means, the same for any thread count (resample b draws from
/// a generator seeded by (seed, b)). A draw maps 64 random bits to a row by a multiply-high
/// (Lemire's method) rather than a division: the bias is below 2⁻⁴⁰ for any table that fits in memory.
enum MeanBootstrap {
    /// The 95% interval of the mean of `values`.
    static func interval(_ values: [Double], resamples: Int, seed: UInt64, jobs: Int) -> (low: Double, high: Double)? {
        let n = values.count
        guard resamples > 0, n > 1 else { return nil }
        let means: [Double] = Parallel.map(resamples, jobs: jobs) { b in
            var rng = SeededRandom(seed: Mixing.mix64(seed ^ UInt64(b) &* 0x9E37_79B9_7F4A_7C15))
            var sum = 0.0
            values.withUnsafeBufferPointer { v in
                for _ in 0..<n { sum += v[Int(rng.next().multipliedFullWidth(by: UInt64(n)).high)] }
            }
            return sum / Double(n)
        }
        let sorted = means.sorted()
        return (Quantiles.linear(sorted, 0.025), Quantiles.linear(sorted, 0.975))
    }

    /// The 95% interval of the share of `n` rows that `k` of them are (a bootstrap of a 0/1
    /// indicator: each resample counts the draws that land on one of the k rows).
    static func share(_ k: Int, of n: Int, resamples: Int, seed: UInt64, jobs: Int) -> (low: Double, high: Double)? {
        guard resamples > 0, n > 1 else { return nil }
        let shares: [Double] = Parallel.map(resamples, jobs: jobs) { b in
            var rng = SeededRandom(seed: Mixing.mix64(seed ^ UInt64(b) &* 0x9E37_79B9_7F4A_7C15))
            var hits = 0
            for _ in 0..<n where rng.next().multipliedFullWidth(by: UInt64(n)).high < UInt64(k) { hits += 1 }
            return Double(hits) / Double(n)
        }
        let sorted = shares.sorted()
        return (Quantiles.linear(sorted, 0.025), Quantiles.linear(sorted, 0.975))
    }
}
