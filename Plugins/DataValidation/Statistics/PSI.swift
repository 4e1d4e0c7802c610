import Foundation
import GateKit

/// Population stability index as SPEC §3 defines it.
///
/// Numeric: the bin edges are the baseline's 10%…90% quantiles (linear interpolation,
/// duplicates removed); a value falls in the first bin whose upper edge is ≥ it, the last
/// bin is open. Categorical: one bin per category seen on either side. Proportions are
/// floored at 1e-4; PSI = Σ (h − b) · ln(h / b).
public enum PSI {
    public static let floor = 1e-4

    public struct Bin: Sendable, Equatable {
        /// The bin's label: `≤ 12.5`, `(12.5, 20]`, `> 90`, or the category.
        public let label: String
        public let baseline: Double
        public let head: Double
        /// This bin's term of the sum.
        public let contribution: Double
    }

    public struct Result: Sendable, Equatable {
        public let psi: Double
        public let bins: [Bin]
        /// The numeric edges (empty for categorical).
        public let edges: [Double]
    }

    /// The baseline quantile edges, deduplicated.
    public static func edges(sortedBaseline: [Double]) -> [Double] {
        var edges: [Double] = []
        for decile in 1...9 {
            let edge = Quantiles.linear(sortedBaseline, Double(decile) / 10)
            if edges.last != edge { edges.append(edge) }
        }
        return edges
    }

    /// Counts of sorted values per bin: bin i holds edges[i-1] < v ≤ edges[i].
    static func counts(sorted: [Double], edges: [Double]) -> [Int] {
        var counts = [Int](repeating: 0, count: edges.count + 1)
        var bin = 0
        for v in sorted {
            while bin < edges.count && v > edges[bin] { bin += 1 }
            counts[bin] += 1
        }
        return counts
    }

    public static func numeric(sortedBaseline: [Double], sortedHead: [Double]) -> Result {
        let edges = edges(sortedBaseline: sortedBaseline)
        let b = counts(sorted: sortedBaseline, edges: edges)
        let h = counts(sorted: sortedHead, edges: edges)
        let labels = (0...edges.count).map { i -> String in
            if edges.isEmpty { return "all" }
            if i == 0 { return "≤ \(compact(edges[0]))" }
            if i == edges.count { return "> \(compact(edges[i - 1]))" }
            return "(\(compact(edges[i - 1])), \(compact(edges[i]))]"
        }
        return result(labels: labels, baseline: b, head: h, edges: edges)
    }

    /// PSI from weighted sorted values (a quantile sketch's), edges from `baseline`'s quantiles:
    /// equal to `numeric(sortedBaseline:sortedHead:)` when every weight is 1.
    static func numeric(baseline: Distribution, weightedBaseline: [(value: Double, weight: Int)],
                        weightedHead: [(value: Double, weight: Int)]) -> Result {
        var edges: [Double] = []
        for decile in 1...9 {
            let edge = baseline.quantile(Double(decile) / 10)
            if edges.last != edge { edges.append(edge) }
        }
        func counts(_ weighted: [(value: Double, weight: Int)]) -> [Int] {
            var counts = [Int](repeating: 0, count: edges.count + 1)
            var bin = 0
            for (v, w) in weighted {
                while bin < edges.count && v > edges[bin] { bin += 1 }
                counts[bin] += w
            }
            return counts
        }
        return result(labels: labels(edges), baseline: counts(weightedBaseline), head: counts(weightedHead), edges: edges)
    }

    /// PSI from counts already binned against `edges` (by an engine that holds the rows).
    static func binned(edges: [Double], baseline: [Int], head: [Int]) -> Result {
        result(labels: labels(edges), baseline: baseline, head: head, edges: edges)
    }

    static func labels(_ edges: [Double]) -> [String] {
        (0...edges.count).map { i -> String in
            if edges.isEmpty { return "all" }
            if i == 0 { return "≤ \(compact(edges[0]))" }
            if i == edges.count { return "> \(compact(edges[i - 1]))" }
            return "(\(compact(edges[i - 1])), \(compact(edges[i]))]"
        }
    }

    /// Six significant digits: enough to tell edges apart, short enough to read.
    static func compact(_ value: Double) -> String {
        String(format: "%.6g", value)
    }

    /// Categorical PSI from per-category counts; `labels` align with both count arrays.
    public static func categorical(labels: [String], baseline: [Int], head: [Int]) -> Result {
        result(labels: labels, baseline: baseline, head: head, edges: [])
    }

    private static func result(labels: [String], baseline: [Int], head: [Int], edges: [Double]) -> Result {
        let bTotal = Double(baseline.reduce(0, +)), hTotal = Double(head.reduce(0, +))
        var psi = 0.0
        var bins: [Bin] = []
        for i in labels.indices {
            let bp = Swift.max(Double(baseline[i]) / bTotal, floor)
            let hp = Swift.max(Double(head[i]) / hTotal, floor)
            let term = (hp - bp) * log(hp / bp)
            psi += term
            bins.append(Bin(label: labels[i], baseline: Double(baseline[i]) / bTotal, head: Double(head[i]) / hTotal, contribution: term))
        }
        return Result(psi: psi, bins: bins, edges: edges)
    }
}


