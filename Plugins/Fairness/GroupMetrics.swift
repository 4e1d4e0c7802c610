/// Per-group rates and the between-group metrics of fairlearn, on hard predictions.
///
/// Definitions follow fairlearn (`fairlearn.metrics`): the selection rate is the share of
/// predicted positives; `demographic_parity_difference` is the largest minus the smallest
/// selection rate, `demographic_parity_ratio` the smallest over the largest;
/// `equalized_odds_difference` (`agg="worst_case"`) the larger of the true- and false-positive
/// rates' differences; `equal_opportunity_difference` the true-positive rates' difference;
/// the disparate impact ratio (SPEC §3) the smallest over the largest selection rate.
public struct GroupMetrics: Sendable {
    public struct Group: Sendable, Equatable {
        public let name: String
        public let size: Int
        public let selectionRate: Double
        public let truePositiveRate: Double
        public let falsePositiveRate: Double
        public let accuracy: Double
        /// Large enough to judge (`min_group_size`).
        public let judged: Bool
    }

    public let groups: [Group]

    /// - Parameters:
    ///   - membership: the group of each row (nil rows are left out, as missing attributes).
    ///   - minGroupSize: groups smaller than this are listed and not judged.
    public init(labels: [Bool], predictions: [Bool], membership: [String?], minGroupSize: Int) {
        var order: [String] = []
        var index: [String: Int] = [:]
        var counts: [(n: Int, selected: Int, positives: Int, truePositives: Int, negatives: Int, falsePositives: Int, correct: Int)] = []
        for i in 0..<labels.count {
            guard let name = membership[i] else { continue }
            let g: Int
            if let known = index[name] { g = known } else {
                g = order.count
                index[name] = g
                order.append(name)
                counts.append((0, 0, 0, 0, 0, 0, 0))
            }
            counts[g].n += 1
            if predictions[i] { counts[g].selected += 1 }
            if labels[i] {
                counts[g].positives += 1
                if predictions[i] { counts[g].truePositives += 1 }
            } else {
                counts[g].negatives += 1
                if predictions[i] { counts[g].falsePositives += 1 }
            }
            if labels[i] == predictions[i] { counts[g].correct += 1 }
        }
        // Sorted by name, as fairlearn's by_group frame is.
        groups = order.indices.sorted { order[$0] < order[$1] }.map { g in
            let c = counts[g]
            return Group(name: order[g], size: c.n, selectionRate: Double(c.selected) / Double(c.n),
                         truePositiveRate: c.positives == 0 ? .nan : Double(c.truePositives) / Double(c.positives),
                         falsePositiveRate: c.negatives == 0 ? .nan : Double(c.falsePositives) / Double(c.negatives),
                         accuracy: Double(c.correct) / Double(c.n), judged: c.n >= minGroupSize)
        }
    }

    private var judged: [Group] { groups.filter(\.judged) }

    private static func spread(_ values: [Double]) -> Double {
        let finite = values.filter { !$0.isNaN }
        guard let low = finite.min(), let high = finite.max() else { return .nan }
        return high - low
    }

    private static func ratio(_ values: [Double]) -> Double {
        let finite = values.filter { !$0.isNaN }
        guard let low = finite.min(), let high = finite.max() else { return .nan }
        return high == 0 ? (low == 0 ? 1 : .nan) : low / high
    }

    /// The metric over the judged groups; NaN when fewer than two groups can be judged.
    public func value(_ metric: String) -> Double {
        let groups = judged
        guard groups.count >= 2 else { return .nan }
        switch metric {
        case "demographic_parity_difference": return Self.spread(groups.map(\.selectionRate))
        case "demographic_parity_ratio", "disparate_impact_ratio": return Self.ratio(groups.map(\.selectionRate))
        case "equalized_odds_difference":
            return max(Self.spread(groups.map(\.truePositiveRate)), Self.spread(groups.map(\.falsePositiveRate)))
        case "equal_opportunity_difference": return Self.spread(groups.map(\.truePositiveRate))
        default: return .nan
        }
    }

    /// True for metrics where a larger value is fairer (ratios); false for differences.
    public static func higherIsFairer(_ metric: String) -> Bool { metric.hasSuffix("_ratio") }
}
