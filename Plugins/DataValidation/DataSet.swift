import GateKit

/// One data file as the checks see it: read whole into memory, or profiled in one streaming
/// pass when it is larger than memory allows. Checks ask the same questions of both; the
/// answers are equal except where a stream can only estimate (quantiles past 65,536 values).
enum DataSet: Sendable {
    case memory(Table)
    case stream(StreamingProfiler.Result)
    /// The baseline as its profile holds it (made in this run or read from the cache).
    case profiled(BaselineProfile)
    /// A table in a compute engine (Spark), as the statistics it computed there.
    case remote(RemoteSet)

    var rowCount: Int {
        switch self {
        case .memory(let table): table.rowCount
        case .stream(let profile): profile.rows
        case .profiled(let profile): profile.rows
        case .remote(let set): set.profile.rows
        }
    }

    var columns: [ColumnData] {
        switch self {
        case .memory(let table): table.columns.map(ColumnData.memory)
        case .stream(let profile): profile.columns.map(ColumnData.stream)
        case .profiled(let profile): profile.columns.map(ColumnData.profiled)
        case .remote(let set): set.profile.columns.map { .remote($0, drift: set.drift[$0.name]) }
        }
    }

    var columnNames: [String] { columns.map(\.name) }

    func column(_ name: String) -> ColumnData? {
        switch self {
        case .memory(let table): table.column(name).map(ColumnData.memory)
        case .stream(let profile): profile.column(name).map(ColumnData.stream)
        case .profiled(let profile): profile.column(name).map(ColumnData.profiled)
        case .remote(let set): set.profile.column(name).map { .remote($0, drift: set.drift[$0.name]) }
        }
    }

    /// Row fingerprints over `columns` (those present); a stream took them while it was read.
    /// A profile keeps what was found with them instead (`BaselineProfile.duplicates`, `.leaked`).
    func rowHashes(_ columns: [String]) -> [UInt64] {
        switch self {
        case .memory(let table): RowHashing.hashes(table, columns: columns)
        case .stream(let profile): profile.rowHashes ?? []
        case .profiled, .remote: []
        }
    }

    var isStreamed: Bool { if case .stream = self { true } else { false } }
}

/// A remote table's statistics, and on head's side what was computed against the baseline.
struct RemoteSet: Sendable {
    let table: any RemoteTable
    var profile: RemoteProfile
    /// Head only: per numeric column, its drift from the baseline's same column.
    var drift: [String: RemoteDrift] = [:]
    /// A holdout's rows also in its side's train (computed in the engine).
    var foundInTrain: Int?
}

/// Drift of one numeric column computed where both sides are: counts in the baseline's decile
/// bins on each side, and the exact two-sample KS statistic.
struct RemoteDrift: Sendable {
    let edges: [Double]
    let baseline: [Int]
    let head: [Int]
    let ks: Double
    /// Rank error of the edges (0 when Spark's percentiles were exact).
    let rankError: Double
}

/// One column of a `DataSet`.
///
/// Indirect: the two payloads then share no spare bits, which spared valgrind a false alarm
/// on the tag Swift otherwise keeps in a `Column`'s padding.
indirect enum ColumnData: Sendable {
    case memory(Column)
    case stream(ColumnSummary)
    case profiled(BaselineProfile.ColumnProfile)
    case remote(RemoteColumn, drift: RemoteDrift?)

    var name: String {
        switch self {
        case .memory(let column): column.name
        case .stream(let summary): summary.name
        case .profiled(let profile): profile.name
        case .remote(let column, _): column.name
        }
    }

    var kind: ColumnKind {
        switch self {
        case .memory(let column): column.kind
        case .stream(let summary): summary.kind
        case .profiled(let profile): profile.kind
        case .remote(let column, _): column.kind
        }
    }

    /// Rows, missing values included.
    var count: Int {
        switch self {
        case .memory(let column): column.count
        case .stream(let summary): summary.count + summary.nulls + summary.invalid
        case .profiled(let profile): profile.count
        case .remote(let column, _): column.count + column.nulls + column.invalid
        }
    }

    var nullCount: Int {
        switch self {
        case .memory(let column): column.nullCount
        case .stream(let summary): summary.nulls
        case .profiled(let profile): profile.nulls
        case .remote(let column, _): column.nulls
        }
    }

    var invalidCount: Int {
        switch self {
        case .memory(let column): column.invalidCount
        case .stream(let summary): summary.invalid
        case .profiled(let profile): profile.invalid
        case .remote(let column, _): column.invalid
        }
    }

    var firstInvalid: (value: String, line: Int)? {
        switch self {
        case .memory(let column): column.firstInvalid
        case .stream(let summary): summary.firstInvalid
        case .profiled(let profile): profile.firstInvalid
        // An engine's rows have no line numbers; 0 says so.
        case .remote(let column, _): column.firstInvalid.map { ($0, 0) }
        }
    }

    var validCount: Int { count - nullCount - invalidCount }

    var categoricalProfile: CategoricalProfile {
        switch self {
        case .memory(let column): CategoricalProfile(column: column)
        case .stream(let summary): CategoricalProfile(count: summary.count + summary.invalid, nulls: summary.nulls, counts: summary.categoryCounts)
        case .profiled(let profile):
            // Kept for categorical and boolean columns and a classification target; a numeric
            // column's from its sorted values (its distinct count is what checks ask of it).
            profile.categories ?? Self.valueCounts(profile)
        case .remote(let column, _):
            // A numeric column's levels are not counted remotely; one holding a single value
            // has it as its extremes.
            CategoricalProfile(count: column.count, nulls: column.nulls,
                               counts: column.categories ?? (column.distinct == 1 && column.count > 0 ? [(NumberFormatting.shortest(column.low), column.count)] : []))
        }
    }

    /// Distinct present values: what `categoricalProfile.distinct` counts, without building it
    /// where the profile knows it.
    var distinct: Int {
        if case .profiled(let profile) = self { return profile.distinct }
        if case .remote(let column, _) = self { return column.distinct }
        return categoricalProfile.distinct
    }

    private static func valueCounts(_ profile: BaselineProfile.ColumnProfile) -> CategoricalProfile {
        var counts: [(level: String, count: Int)] = []
        var i = 0
        let values = profile.sorted
        while i < values.count {
            var j = i + 1
            while j < values.count && values[j] == values[i] { j += 1 }
            counts.append((NumberFormatting.shortest(values[i]), j - i))
            i = j
        }
        return CategoricalProfile(count: profile.count - profile.nulls, nulls: profile.nulls, counts: counts)
    }

    /// Whether every present value is the same one (false for a column without values): one
    /// pass with no allocation — a numeric column's extremes agree, or a categorical column uses
    /// one code — where a full category profile of a million-valued column costs a dictionary.
    var isSingleValued: Bool {
        switch self {
        case .memory(let column):
            switch column.storage {
            case .numeric:
                let (low, high) = extremes
                return low == high
            case .categorical(let codes, _):
                var seen: Int32 = -1
                for code in codes where code >= 0 {
                    if seen < 0 { seen = code } else if code != seen { return false }
                }
                return seen >= 0
            }
        case .stream(let summary):
            return summary.distinct == 1
        case .profiled(let profile):
            return profile.singleValued
        case .remote(let column, _):
            return column.distinct == 1
        }
    }

    /// Smallest and largest value; NaN for a column without values.
    var extremes: (low: Double, high: Double) {
        switch self {
        case .memory(let column):
            var low = Double.infinity, high = -Double.infinity
            for v in column.numericValues ?? [] where !v.isNaN {
                low = Swift.min(low, v)
                high = Swift.max(high, v)
            }
            return low <= high ? (low, high) : (.nan, .nan)
        case .stream(let summary):
            return (summary.min, summary.max)
        case .profiled(let profile):
            return (profile.low, profile.high)
        case .remote(let column, _):
            return column.count > 0 ? (column.low, column.high) : (.nan, .nan)
        }
    }

    /// Values outside [low, high] and the first few of them. A stream counts only the intervals
    /// it was asked for before it was read (`StreamedValidation.intervals`).
    func outside(_ low: Double, _ high: Double) -> (count: Int, examples: [Double]) {
        switch self {
        case .memory(let column):
            var count = 0
            var examples: [Double] = []
            for v in column.numericValues ?? [] where !v.isNaN && (v < low || v > high) {
                count += 1
                if examples.count < 5 { examples.append(v) }
            }
            return (count, examples)
        case .stream(let summary):
            return summary.outside[StreamingProfiler.Interval(low: low, high: high)] ?? (0, [])
        case .profiled(let profile):
            // The profile counted the schema's bounds, which its cache key names.
            return profile.outside[StreamingProfiler.Interval(low: low, high: high)] ?? (0, [])
        case .remote(let column, _):
            return column.outside[StreamingProfiler.Interval(low: low, high: high)] ?? (0, [])
        }
    }

    /// The non-missing values' distribution: every value sorted, or a stream's sketch.
    var distribution: Distribution {
        switch self {
        case .memory(let column): .sorted(RadixSort.sortedNonMissing(column.numericValues ?? []))
        case .stream(let summary): .sketch(summary.sketch, mean: summary.mean)
        case .profiled(let profile): .sorted(profile.sorted)
        case .remote(let column, let drift): .remote(column, drift: drift)
        }
    }
}

/// A numeric column's values for drift: exact, or a quantile sketch of a streamed file.
enum Distribution {
    case sorted([Double])
    case sketch(QuantileSketch, mean: Double)
    /// A remote column: its deciles and mean, and (on head's side) its drift computed remotely.
    case remote(RemoteColumn, drift: RemoteDrift?)

    /// Sorted values each with the count it stands for (1 while exact).
    var weighted: [(value: Double, weight: Int)] {
        switch self {
        case .sorted(let values): values.map { ($0, 1) }
        case .sketch(let sketch, _): sketch.weightedValues()
        case .remote: []
        }
    }

    var count: Int {
        switch self {
        case .sorted(let values): values.count
        case .sketch(let sketch, _): sketch.count
        case .remote(let column, _): column.count
        }
    }

    var rankError: Double {
        switch self {
        case .sorted: 0
        case .sketch(let sketch, _): sketch.rankError
        case .remote(_, let drift): drift?.rankError ?? 0
        }
    }

    func quantile(_ p: Double) -> Double {
        switch self {
        case .sorted(let values): values.isEmpty ? .nan : Quantiles.linear(values, p)
        case .sketch(let sketch, _): sketch.quantile(p)
        case .remote(let column, _):
            if p == 0.5 { column.median } else {
                // The deciles are all a remote profile holds.
                column.deciles.indices.first { abs(Double($0 + 1) / 10 - p) < 1e-9 }.map { column.deciles[$0] } ?? .nan
            }
        }
    }

    var mean: Double {
        switch self {
        // Summed in sorted order, as `NumericProfile` sums, without its other passes.
        case .sorted(let values): values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
        case .sketch(_, let mean): mean
        case .remote(let column, _): column.mean
        }
    }
}
