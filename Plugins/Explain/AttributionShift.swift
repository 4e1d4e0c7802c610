import Foundation
import GateKit
import Training
import ModelRuns

/// Which features each model leans on: the mean |contribution| of each feature to the raw
/// score (exact TreeSHAP for trees, exact linear contributions) over the same holdout rows,
/// and how far the candidate's ranking moved from the baseline model's, as 1 − nDCG: the
/// features ranked by the candidate, each worth its share of the baseline model's total,
/// discounted by log₂(rank + 1), over the same with the baseline's own ranking. 0 when the
/// order is unchanged; it grows as features the baseline leaned on fall down the ranking.
struct AttributionShift {
    struct Feature {
        let name: String
        let candidate: Double
        let baseline: Double
    }

    let features: [Feature]
    let rows: Int
    let shift: Double

    init(candidate: Contributions, baseline: Contributions, baselineNames: [String: String], rows: Int) {
        let c = Dictionary(zip(candidate.features, candidate.meanAbsolute), uniquingKeysWith: { a, _ in a })
        let b = Dictionary(zip(baseline.features.map { baselineNames[$0] ?? $0 }, baseline.meanAbsolute), uniquingKeysWith: { a, _ in a })
        var names = candidate.features
        for name in baseline.features.map({ baselineNames[$0] ?? $0 }) where !names.contains(name) { names.append(name) }
        features = names.map { Feature(name: $0, candidate: c[$0] ?? 0, baseline: b[$0] ?? 0) }
        self.rows = rows
        shift = 1 - Self.ndcg(features)
    }

    /// nDCG of the baseline's importances under the candidate's ranking.
    static func ndcg(_ features: [Feature]) -> Double {
        let total = features.reduce(0) { $0 + $1.baseline }
        guard total > 0 else { return 1 }
        func dcg(_ order: [Feature]) -> Double {
            order.enumerated().reduce(0) { $0 + ($1.element.baseline / total) / log2(Double($1.offset) + 2) }
        }
        let byCandidate = features.enumerated().sorted { ($0.element.candidate, -$0.offset) > ($1.element.candidate, -$1.offset) }.map(\.element)
        let byBaseline = features.enumerated().sorted { ($0.element.baseline, -$0.offset) > ($1.element.baseline, -$1.offset) }.map(\.element)
        let ideal = dcg(byBaseline)
        return ideal > 0 ? min(1, dcg(byCandidate) / ideal) : 1
    }

    var ranked: [Feature] {
        features.enumerated().sorted { ($0.element.candidate, -$0.offset) > ($1.element.candidate, -$1.offset) }.map(\.element)
    }

    func check(policy: ExplainPolicy.Attribution, sampled: Bool, note: String?, strict: Bool) -> CheckResult {
        let ranked = self.ranked
        let baselineRank = Dictionary(uniqueKeysWithValues: features.enumerated()
            .sorted { ($0.element.baseline, -$0.offset) > ($1.element.baseline, -$1.offset) }.enumerated().map { ($1.element.name, $0 + 1) })
        let top = ranked.prefix(5).enumerated().map { i, f in
            "\(f.name) \(NumberText.number(f.baseline)) → \(NumberText.number(f.candidate))" + (baselineRank[f.name] == i + 1 ? "" : " (was #\(baselineRank[f.name] ?? 0))")
        }
        var message = "mean |contribution| on \(rows) holdout rows\(sampled ? " (a sample chosen by row content)" : ""), baseline → candidate: "
            + top.joined(separator: ", ") + "; ranking shift \(NumberText.number(shift)) (1 − nDCG)"
        if let note { message += "; \(note)" }
        if let max = policy.maxShift { message += "; allowed: \(NumberText.number(max))" }
        let details: [(String, JSONValue)] = [
            ("rows", .number(Double(rows))), ("shift", .number(shift)), ("ndcg", .number(1 - shift)),
            ("features", .array(ranked.map { f in
                .object([("feature", .string(f.name)), ("candidate", .number(f.candidate)), ("baseline", .number(f.baseline)),
                         ("baseline_rank", .number(Double(baselineRank[f.name] ?? 0)))])
            })),
        ]
        let result = CheckResult(id: "explain/attribution-shift", status: .pass, title: "Which features the model leans on", message: message,
                                 metric: "attribution_shift", value: shift, threshold: policy.maxShift, details: .object(details))
        guard let max = policy.maxShift else { return result }
        return result.judged(shift, against: .atMost(max), baseline: nil, strict: strict)
    }
}
