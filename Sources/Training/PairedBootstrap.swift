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

    /// One metric of two models, for `intervals`.
    public struct Comparison: Sendable {
        public let metric: WeightedMetrics.Name
        public let candidate: WeightedMetrics
        public let baseline: WeightedMetrics
        public init(_ metric: WeightedMetrics.Name, candidate: WeightedMetrics, baseline: WeightedMetrics) {
            self.metric = metric
            self.candidate = candidate
            self.baseline = baseline
        }
    }

    /// - Parameters:
    ///   - paired: both models scored the same rows; otherwise each side is resampled on its own.
    public static func interval(_ metric: WeightedMetrics.Name, candidate: WeightedMetrics, baseline: WeightedMetrics,
                                paired: Bool, resamples: Int, seed: UInt64, jobs: Int) -> Interval {
        intervals([Comparison(metric, candidate: candidate, baseline: baseline)], paired: paired, resamples: resamples, seed: seed, jobs: jobs)[0]
    }

    /// Intervals for several metrics from the same resamples: each resample draws its rows once
    /// and every metric of both models is a weighted pass over them (the rank metrics walk the
    /// one sort made up front), so the cost is resamples × rows × metrics additions, no sort,
    /// no `log`. All comparisons must be of the same rows (one holdout).
    public static func intervals(_ comparisons: [Comparison], paired: Bool, resamples: Int, seed: UInt64, jobs: Int) -> [Interval] {
        let differences = comparisons.map { $0.candidate.value($0.metric) - $0.baseline.value($0.metric) }
        guard resamples > 0, let first = comparisons.first else {
            return differences.map { Interval(difference: $0, low: .nan, high: .nan, resamples: 0) }
        }
        // Comparisons of the same two samples are computed together (one pass for all their metrics).
        var groups: [(candidate: WeightedMetrics, baseline: WeightedMetrics, members: [Int])] = []
        for (m, comparison) in comparisons.enumerated() {
            if let g = groups.firstIndex(where: { $0.candidate.isSameSample(comparison.candidate) && $0.baseline.isSameSample(comparison.baseline) }) {
                groups[g].members.append(m)
            } else {
                groups.append((comparison.candidate, comparison.baseline, [m]))
            }
        }
        let batches = groups
        let resampled: [[Double]] = Parallel.map(resamples, jobs: jobs) { b in
            let seed = Mixing.mix64(seed ^ UInt64(b) &* 0x9E37_79B9_7F4A_7C15)
            var out = [Double](repeating: .nan, count: comparisons.count)
            func evaluate<W: FixedWidthInteger>(_ candidateWeights: [W], _ baselineWeights: [W]) {
                candidateWeights.withUnsafeBufferPointer { c in
                    baselineWeights.withUnsafeBufferPointer { d in
                        for group in batches {
                            let names = group.members.map { comparisons[$0].metric }
                            let x = group.candidate.values(names, weights: c), y = group.baseline.values(names, weights: d)
                            for (k, m) in group.members.enumerated() { out[m] = x[k] - y[k] }
                        }
                    }
                }
            }
            // A byte a weight keeps a resample's weights in cache while the passes gather them; a
            // row drawn 255 times (never, in practice) redraws the same resample with wider weights.
            var rng = SeededRandom(seed: seed)
            if let candidateWeights: [UInt8] = draw(first.candidate.count, &rng),
               let baselineWeights: [UInt8] = paired ? candidateWeights : draw(first.baseline.count, &rng) {
                evaluate(candidateWeights, baselineWeights)
            } else {
                rng = SeededRandom(seed: seed)
                let candidateWeights: [Int32] = draw(first.candidate.count, &rng)!
                evaluate(candidateWeights, paired ? candidateWeights : draw(first.baseline.count, &rng)!)
            }
            return out
        }
        return comparisons.indices.map { m in
            let finite = resampled.map { $0[m] }.filter(\.isFinite).sorted()
            guard !finite.isEmpty else { return Interval(difference: differences[m], low: .nan, high: .nan, resamples: resamples) }
            return Interval(difference: differences[m], low: Quantiles.linear(finite, 0.025), high: Quantiles.linear(finite, 0.975), resamples: resamples)
        }
    }

    /// How many times each of `n` rows is drawn in n draws with replacement; nil when a row is
    /// drawn more often than `W` counts (a byte: 255 times, which a resample of n ≥ 256 rows does
    /// with a probability below 10⁻⁴⁰⁰). A draw maps 64 random bits to a row by a multiply-high
    /// (Lemire) rather than a division, several times faster; the bias is below 2⁻⁴⁰ for any
    /// holdout that fits in memory. The same generator gives the same rows for any `W`.
    static func draw<W: FixedWidthInteger>(_ n: Int, _ rng: inout SeededRandom) -> [W]? {
        var weights = [W](repeating: 0, count: n)
        let range = UInt64(n)
        let full = weights.withUnsafeMutableBufferPointer { weights in
            for _ in 0..<n {
                let row = Int(rng.next().multipliedFullWidth(by: range).high)
                guard weights[row] < W.max else { return true }
                weights[row] &+= 1
            }
            return false
        }
        return full ? nil : weights
    }
}
