import Foundation
import GateKit

/// Where the candidate got worse: a seeded, deterministic search over slices — one feature
/// condition, or two joined by "and" — for those where the candidate's per-row loss exceeds the
/// baseline model's most surely.
///
/// A condition is a category (one with at least `minRows` rows), a missing value, or one of a
/// numeric feature's quantile bins, its edges taken from the baseline's training data (so a
/// shifted feature does not move its own bins). Slices are ranked by the t statistic of the
/// mean loss difference (mean · √n / sd): large, consistent losses rank above small, noisy
/// ones, and a slice of a few rows cannot win on one bad row.
///
/// Bounded: single conditions cost one pass over the rows per feature; pairs are searched only
/// among the `pairFeatures` features with the strongest single slices, one pass per pair, so the
/// cost is rows × (features + pairFeatures²/2) and never rows². A pair is kept only when it
/// ranks above both of its halves.
struct SliceSearch {
    struct Feature {
        let name: String
        /// The condition of each item, as text.
        let conditions: [String]
        /// Per evaluated row, its item (-1: none, e.g. a rare category).
        let items: [Int32]
    }

    struct Slice {
        /// (feature, item) pairs: one or two.
        let parts: [(feature: Int, item: Int)]
        let text: String
        let count: Int
        let mean: Double
        let t: Double
    }

    let features: [Feature]
    let slices: [Slice]

    /// - Parameters:
    ///   - table: head's holdout; `positions` its rows evaluated, in `outcomes` order.
    ///   - edgesFrom: each feature's column in the baseline's training data (for numeric bins).
    init(outcomes: RowOutcomes, table: Table, features names: [String], edgesFrom: (String) -> Column?,
         policy: ExplainPolicy.Slices, jobs: Int) {
        let rows = outcomes.rows
        let difference = rows.indices.map { outcomes.candidateLoss[$0] - outcomes.baselineLoss[$0] }
        let features = names.compactMap { name in
            table.column(name).map { Self.feature(name, column: $0, rows: rows, edges: edgesFrom(name), policy: policy) }
        }.filter { !$0.conditions.isEmpty }
        self.features = features
        let minRows = policy.minRows

        // Single conditions: one pass per feature.
        let singles: [[Slice]] = Parallel.map(features.count, jobs: jobs) { f in
            let feature = features[f]
            var sum = [Double](repeating: 0, count: feature.conditions.count)
            var squares = sum, count = [Int](repeating: 0, count: feature.conditions.count)
            for i in 0..<difference.count {
                let item = Int(feature.items[i])
                guard item >= 0 else { continue }
                sum[item] += difference[i]
                squares[item] += difference[i] * difference[i]
                count[item] += 1
            }
            return (0..<feature.conditions.count).compactMap { item in
                Self.slice([(f, item)], text: feature.conditions[item], sum: sum[item], squares: squares[item], count: count[item], minRows: minRows)
            }
        }
        var best = [Double](repeating: 0, count: features.count)
        var strength: [[Double]] = features.map { Array(repeating: 0, count: $0.conditions.count) }
        for (f, list) in singles.enumerated() {
            for slice in list {
                best[f] = max(best[f], slice.t)
                strength[f][slice.parts[0].item] = slice.t
            }
        }
        let singleT = strength
        // Pairs among the features with the strongest single slices.
        let strongest = features.indices.filter { best[$0] > 0 }.sorted { (best[$0], -$0) > (best[$1], -$1) }.prefix(policy.pairFeatures).sorted()
        var pairList: [(Int, Int)] = []
        for (i, a) in strongest.enumerated() { for b in strongest[(i + 1)...] { pairList.append((a, b)) } }
        let pairs = pairList
        let pairSlices: [[Slice]] = Parallel.map(pairs.count, jobs: jobs) { p in
            let (a, b) = pairs[p]
            let width = features[b].conditions.count
            let cells = features[a].conditions.count * width
            var sum = [Double](repeating: 0, count: cells), squares = sum, count = [Int](repeating: 0, count: cells)
            let itemsA = features[a].items, itemsB = features[b].items
            for i in 0..<difference.count {
                let x = Int(itemsA[i]), y = Int(itemsB[i])
                guard x >= 0, y >= 0 else { continue }
                let cell = x * width + y
                sum[cell] += difference[i]
                squares[cell] += difference[i] * difference[i]
                count[cell] += 1
            }
            return (0..<cells).compactMap { cell -> Slice? in
                let x = cell / width, y = cell % width
                guard let slice = Self.slice([(a, x), (b, y)], text: "\(features[a].conditions[x]) and \(features[b].conditions[y])",
                                             sum: sum[cell], squares: squares[cell], count: count[cell], minRows: minRows) else { return nil }
                return slice.t > max(singleT[a][x], singleT[b][y]) ? slice : nil
            }
        }
        let all = Array(singles.joined()) + Array(pairSlices.joined())
        slices = all.sorted { ($0.t, $1.text) > ($1.t, $0.text) }
    }

    /// A slice where the candidate is worse (mean difference > 0) with enough rows, or nil.
    private static func slice(_ parts: [(Int, Int)], text: String, sum: Double, squares: Double, count: Int, minRows: Int) -> Slice? {
        guard count >= minRows, count > 1 else { return nil }
        let n = Double(count), mean = sum / n
        guard mean > 0 else { return nil }
        let variance = max((squares - n * mean * mean) / (n - 1), 0)
        // A floor on the spread: a slice of identical differences is sure, not infinitely so.
        let sd = max(variance.squareRoot(), 1e-9 + 1e-6 * abs(mean))
        return Slice(parts: parts.map { (feature: $0.0, item: $0.1) }, text: text, count: count, mean: mean, t: mean * n.squareRoot() / sd)
    }

    /// A feature's items over the evaluated rows: categories with `minRows` rows (at most 50,
    /// the most frequent), or the baseline's quantile bins; missing values as an item of their own.
    static func feature(_ name: String, column: Column, rows: [Int], edges baseline: Column?, policy: ExplainPolicy.Slices) -> Feature {
        var items = [Int32](repeating: -1, count: rows.count)
        switch column.storage {
        case .categorical(let codes, let levels):
            var counts = [Int](repeating: 0, count: levels.count + 1)
            for r in rows { counts[Int(codes[r]) + 1] += 1 }
            let kept = counts.indices.filter { counts[$0] >= policy.minRows }.sorted { (counts[$0], -$0) > (counts[$1], -$1) }.prefix(50).sorted()
            var slot = [Int32](repeating: -1, count: levels.count + 1)
            for (i, s) in kept.enumerated() { slot[s] = Int32(i) }
            for (i, r) in rows.enumerated() { items[i] = slot[Int(codes[r]) + 1] }
            return Feature(name: name, conditions: kept.map { $0 == 0 ? "no \(name)" : "\(name) = \(levels[$0 - 1])" }, items: items)
        case .numeric(let values):
            let source = baseline?.numericValues ?? rows.map { values[$0] }
            let sorted = source.filter { !$0.isNaN }.sorted()
            var edges: [Double] = []
            if !sorted.isEmpty {
                for q in 1..<policy.bins {
                    let edge = Quantiles.linear(sorted, Double(q) / Double(policy.bins))
                    if edges.last.map({ edge > $0 }) ?? true, edge < sorted.last! { edges.append(edge) }
                }
            }
            let text = { (v: Double) in NumberText.number(v) }
            var conditions: [String] = []
            if edges.isEmpty {
                conditions.append("\(name) present")
            } else {
                conditions.append("\(name) ≤ \(text(edges[0]))")
                for i in 1..<edges.count { conditions.append("\(text(edges[i - 1])) < \(name) ≤ \(text(edges[i]))") }
                conditions.append("\(name) > \(text(edges.last!))")
            }
            let missing = Int32(conditions.count)
            conditions.append("no \(name)")
            edges.withUnsafeBufferPointer { edges in
                for (i, r) in rows.enumerated() {
                    let v = values[r]
                    if v.isNaN { items[i] = missing; continue }
                    var low = 0, high = edges.count
                    while low < high { let mid = (low + high) / 2; if edges[mid] < v { low = mid + 1 } else { high = mid } }
                    items[i] = Int32(low)
                }
            }
            return Feature(name: name, conditions: conditions, items: items)
        }
    }

    /// The positions (into the outcomes) of a slice's rows.
    func positions(_ slice: Slice) -> [Int] {
        let count = features.first?.items.count ?? 0
        return (0..<count).filter { i in slice.parts.allSatisfy { Int(features[$0.feature].items[i]) == $0.item } }
    }
}
