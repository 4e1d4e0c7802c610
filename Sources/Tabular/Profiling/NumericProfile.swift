/// The summary of a numeric column a reviewer reads, computed from one sort of its values.
public struct NumericProfile: Sendable, Equatable {
    public let count: Int
    public let nulls: Int
    public let min: Double
    public let max: Double
    public let mean: Double
    /// Sample standard deviation (ddof = 1, as pandas).
    public let std: Double
    /// The 1, 5, 25, 50, 75, 95, 99% quantiles (linear interpolation).
    public let quantiles: [Double]
    public let distinct: Int

    /// The 50% quantile; NaN without values.
    public var median: Double { quantiles.count > 3 ? quantiles[3] : .nan }

    public static let quantileLevels: [Double] = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]

    /// Profiles `sorted` (the column's non-missing values, ascending) of a column with `nulls` missing.
    public init(sorted: [Double], nulls: Int) {
        self.count = sorted.count
        self.nulls = nulls
        guard let first = sorted.first, let last = sorted.last else {
            min = .nan; max = .nan; mean = .nan; std = .nan; quantiles = []; distinct = 0
            return
        }
        min = first
        max = last
        // Two passes in a fixed order: the result does not depend on threads or chunking.
        var sum = 0.0
        var distinct = 1
        var previous = first
        for v in sorted {
            sum += v
            if v != previous { distinct += 1; previous = v }
        }
        let mean = sum / Double(sorted.count)
        var squares = 0.0
        for v in sorted { squares += (v - mean) * (v - mean) }
        self.mean = mean
        self.std = sorted.count > 1 ? (squares / Double(sorted.count - 1)).squareRoot() : .nan
        self.distinct = distinct
        quantiles = Self.quantileLevels.map { Quantiles.linear(sorted, $0) }
    }
}

/// The summary of a categorical (or boolean) column: counts per level, most frequent first.
public struct CategoricalProfile: Sendable, Equatable {
    public let count: Int
    public let nulls: Int
    /// Every level with its count, in first-seen order.
    public let counts: [(level: String, count: Int)]

    public static func == (lhs: CategoricalProfile, rhs: CategoricalProfile) -> Bool {
        lhs.count == rhs.count && lhs.nulls == rhs.nulls && lhs.counts.elementsEqual(rhs.counts) { $0 == $1 }
    }

    /// A profile from counts already taken (a streamed file's), in first-seen order.
    public init(count: Int, nulls: Int, counts: [(level: String, count: Int)]) {
        self.count = count
        self.nulls = nulls
        self.counts = counts
    }

    public init(column: Column) {
        var counts: [(String, Int)] = []
        switch column.storage {
        case .categorical(let codes, let levels):
            var tally = [Int](repeating: 0, count: levels.count)
            for code in codes where code >= 0 { tally[Int(code)] += 1 }
            counts = zip(levels, tally).filter { $0.1 > 0 }.map { ($0, $1) }
        case .numeric(let values):
            // Booleans (and small-integer labels) profiled as categories.
            var tally: [Double: Int] = [:]
            var order: [Double] = []
            for v in values where !v.isNaN {
                if tally[v] == nil { order.append(v) }
                tally[v, default: 0] += 1
            }
            counts = order.map { (column.kind == .boolean ? ($0 == 1 ? "true" : "false") : NumberFormatting.shortest($0), tally[$0]!) }
        }
        self.counts = counts
        self.nulls = column.nullCount
        self.count = column.count - column.nullCount
    }

    public var distinct: Int { counts.count }

    /// The `k` most frequent levels; ties keep first-seen order.
    public func top(_ k: Int) -> [(level: String, count: Int)] {
        Array(counts.enumerated().sorted { $0.element.count != $1.element.count ? $0.element.count > $1.element.count : $0.offset < $1.offset }
            .prefix(k).map(\.element))
    }
}
