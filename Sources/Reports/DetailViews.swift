import GateKit

/// What the reports draw for one check, decoded from its details in this one place. The JSON
/// report keeps details as the plugins wrote them (and a merge of shards has only that JSON), so
/// the renderers read these typed values instead of each picking the details apart by key.
struct DetailViews {
    /// A policy change's line diff (`- old` / `+ new`).
    let diff: [String]?
    /// A drift check's bins, and the statistics shown under them.
    let distribution: Distribution?
    /// A fairness check's groups.
    let groups: Table?
    /// A behavioural test's first offending rows.
    let offending: Table?

    struct Bin {
        let label: String
        /// Shares of rows, 0…1.
        let baseline: Double
        let head: Double
        /// This bin's term of the PSI sum.
        let contribution: Double
    }

    struct Distribution {
        let bins: [Bin]
        let statistics: [(name: String, value: Double)]

        /// Bins a chart can show: all up to `limit`; beyond, those with the largest terms of PSI,
        /// largest first (with many categories the reader wants what moved the statistic).
        func charted(limit: Int = 30) -> [Bin] {
            guard bins.count > limit else { return bins }
            return Array(bins.enumerated().sorted {
                $0.element.contribution != $1.element.contribution ? $0.element.contribution > $1.element.contribution : $0.offset < $1.offset
            }.prefix(limit).map(\.element))
        }
    }

    /// Rows of named cells, in the column order of the first row.
    struct Table {
        let columns: [String]
        let rows: [[String: JSONValue]]

        init?(_ value: JSONValue?) {
            guard let items = value?.arrayValue, case .object(let first)? = items.first else { return nil }
            columns = first.map(\.0)
            rows = items.map { item in
                guard case .object(let cells) = item else { return [:] }
                return Dictionary(cells, uniquingKeysWith: { a, _ in a })
            }
        }

        func numbers(_ column: String) -> [Double] { rows.map { $0[column]?.numberValue ?? 0 } }
        func texts(_ column: String) -> [String] { rows.map { $0[column]?.stringValue ?? "?" } }
    }

    init(_ details: JSONValue) {
        diff = details["diff"]?.arrayValue?.compactMap(\.stringValue)
        if let bins = details["bins"]?.arrayValue, !bins.isEmpty {
            distribution = Distribution(
                bins: bins.map { Bin(label: $0["bin"]?.stringValue ?? "?", baseline: $0["baseline"]?.numberValue ?? 0,
                                     head: $0["head"]?.numberValue ?? 0, contribution: $0["contribution"]?.numberValue ?? 0) },
                statistics: ["psi", "ks_statistic", "ks_pvalue", "chi2_pvalue"].compactMap { key in details[key]?.numberValue.map { (key, $0) } })
        } else {
            distribution = nil
        }
        groups = Table(details["groups"])
        offending = Table(details["offending"])
    }
}
