import Tabular

/// The bootstrap interval of a metric's change from a baseline model to a candidate.
///
/// Paired: each resample draws the same rows for both models, so the interval reflects the
/// difference between the models and not the luck of the draw. Resample b uses a generator
/// seeded from (seed, b), so the interval is the same for any thread count.
public enum PairedBootstrap {
    public struct Interval: Sendable, Equatable {
        /// candidate − baseline on the whole holdout.
        public let difference: Double
        /// The 2.5% and 97.5% percentiles of the resampled differences.
        public let low: Double
        public let high: Double
        public let resamples: Int

        public init(difference: Double, low: Double, high: Double, resamples: Int) {
            self.difference = difference
            self.low = low
            self.high = high
            self.resamples = resamples
        }
    }

    /// - Parameters:
    ///   - paired: both models scored the same rows; otherwise each side is resampled on its own.
    public static func interval(_ metric: WeightedMetrics.Name, candidate: WeightedMetrics, baseline: WeightedMetrics,
                                paired: Bool, resamples: Int, seed: UInt64, jobs: Int) -> Interval {
        let difference = candidate.value(metric) - baseline.value(metric)
        guard resamples > 0 else { return Interval(difference: difference, low: .nan, high: .nan, resamples: 0) }
        let differences: [Double] = Parallel.map(resamples, jobs: jobs) { b in
            var rng = SeededRandom(seed: Mixing.mix64(seed ^ UInt64(b) &* 0x9E37_79B9_7F4A_7C15))
            let candidateWeights = draw(candidate.count, &rng)
            let baselineWeights = paired ? candidateWeights : draw(baseline.count, &rng)
            return candidate.value(metric, weights: candidateWeights) - baseline.value(metric, weights: baselineWeights)
        }
        let finite = differences.filter { $0.isFinite }.sorted()
        guard !finite.isEmpty else { return Interval(difference: difference, low: .nan, high: .nan, resamples: resamples) }
        return Interval(difference: difference, low: Quantiles.linear(finite, 0.025), high: Quantiles.linear(finite, 0.975), resamples: resamples)
    }

    /// How many times each of `n` rows is drawn in n draws with replacement.
    static func draw(_ n: Int, _ rng: inout SeededRandom) -> [Int32] {
        var weights = [Int32](repeating: 0, count: n)
        for _ in 0..<n { weights[Int(rng.next() % UInt64(n))] += 1 }
        return weights
    }
}
