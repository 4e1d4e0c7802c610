/// A data file that lives in a compute engine instead of the repository — a Spark table or a
/// Parquet path in a lake — larger than one CI machine should read. The data checks ask it for
/// statistics, which it computes where the rows are; only the answers travel, so the run's
/// memory does not grow with the table.
///
/// Every answer follows SPEC §3's definitions as the in-memory path computes them; where an
/// engine can only estimate (approximate percentiles of a huge table) the profile says how far
/// off it may be (`percentileRankError`), and the report shows it.
public protocol RemoteTable: Sendable {
    /// How messages name it: `spark table lake.features (where region = 'eu')`.
    var label: String { get }
    /// Where it is computed, for the report: `Spark 4.0.1 at sc://spark:15002`.
    var engine: String { get }
    /// The table's columns, in order.
    var columnNames: [String] { get }

    /// Row count, and per column: counts, extremes, mean, deciles, categories, values outside
    /// the intervals asked for; and the rows repeating an earlier one over `hashColumns`.
    func profile(_ request: RemoteProfileRequest) throws(TabularError) -> RemoteProfile
    /// Per numeric column, its non-missing values counted in the bins `edges` make (bin i holds
    /// edges[i-1] < v ≤ edges[i]; the last bin is open): PSI's histogram against fixed edges.
    func binCounts(_ edges: [String: [Double]]) throws(TabularError) -> [String: [Int]]
    /// The two-sample Kolmogorov–Smirnov statistic D of each numeric column against the same
    /// column of `baseline`, from both sides' exact ECDFs (both must be in the same engine).
    func ksStatistics(against baseline: any RemoteTable, columns: [String]) throws(TabularError) -> [String: Double]
    /// Past `exactRows` rows, where an exact KS would sort every value of both sides: each
    /// numeric column's quantiles at `points` evenly spaced levels (Spark's approximate
    /// percentile), from which D is estimated within 1/(points + 1) plus their rank error.
    func quantileGrid(_ columns: [String], points: Int) throws(TabularError) -> [String: [Double]]
    /// Whether statistics are exact at this size (else approximate, with the error stated).
    var isExactSize: Bool { get }
    /// Exact counts of distinct values of numeric columns, which a profile does not count (a
    /// numeric column's `distinct` there is 0, 1, or 2 for more than one): asked only where a
    /// check reports the number.
    func distinctCounts(_ columns: [String]) throws(TabularError) -> [String: Int]
    /// Rows of `other` equal, over `columns`, to some row of this table (leakage: holdout rows
    /// found in train).
    func rowsFound(of other: any RemoteTable, columns: [String]) throws(TabularError) -> Int
    /// A seeded sample of about `rows` rows chosen by a hash of each row's content, so that an
    /// unchanged row is in or out at both revisions alike; numbers as numbers, the rest as text.
    func sample(rows: Int, seed: UInt64, declared: [String: ColumnKind]) throws(TabularError) -> (table: Table, of: Int)
    /// The last sample's size and the rows it was drawn from, for the report's note.
    var sampled: (rows: Int, of: Int)? { get }
}

public struct RemoteProfileRequest: Sendable, Equatable {
    /// Column types the configuration fixes (a numeric-looking code declared categorical).
    public var declared: [String: ColumnKind] = [:]
    /// Per column, intervals whose outside values are counted (schema bounds, the baseline's range).
    public var intervals: [String: [StreamingProfiler.Interval]] = [:]
    /// Columns whose tuple defines a duplicate row (the file's columns minus ignored ones).
    public var hashColumns: [String] = []
    /// Numeric columns whose values are also counted as categories (a class label).
    public var countedNumbers: [String] = []
    /// Most categories returned per column, most frequent first; the distinct count stays exact.
    public var categoryLimit = 10_000

    public init() {}
}

public struct RemoteProfile: Sendable {
    public let rows: Int
    public var columns: [RemoteColumn]
    /// Rows that repeat an earlier one over the request's `hashColumns`.
    public let duplicates: Int
    /// Largest rank error of the deciles (0 when exact): approximate percentiles of a table
    /// too large to sort are within this share of rows of the true one.
    public let percentileRankError: Double

    public init(rows: Int, columns: [RemoteColumn], duplicates: Int, percentileRankError: Double) {
        self.rows = rows
        self.columns = columns
        self.duplicates = duplicates
        self.percentileRankError = percentileRankError
    }

    public func column(_ name: String) -> RemoteColumn? { columns.first { $0.name == name } }
}

public struct RemoteColumn: Sendable {
    public let name: String
    public let kind: ColumnKind
    /// Rows with a valid value, rows missing one (null, or NaN in a numeric column), and rows
    /// whose value is not of the declared type (text in a column declared numeric), with one.
    public let count: Int
    public let nulls: Int
    public let invalid: Int
    public let firstInvalid: String?
    /// Numeric and boolean columns: extremes, mean and the 10%…90% quantiles (linear
    /// interpolation, as numpy's default), nine values; NaN without values.
    public let low: Double
    public let high: Double
    public let mean: Double
    public let deciles: [Double]
    public let median: Double
    /// Distinct present values: exact for categorical and boolean columns and counted numbers;
    /// for other numeric columns 0, 1, or 2 standing for more than one (see `distinctCounts`).
    public var distinct: Int
    /// Categorical and boolean columns: counts per level, most frequent first (ties by level),
    /// at most the request's limit; nil for numeric columns.
    public let categories: [(level: String, count: Int)]?
    /// Values outside each requested interval, with the most extreme ones as examples.
    public let outside: [StreamingProfiler.Interval: (count: Int, examples: [Double])]

    public init(name: String, kind: ColumnKind, count: Int, nulls: Int, invalid: Int = 0, firstInvalid: String? = nil, low: Double, high: Double, mean: Double, deciles: [Double],
                median: Double, distinct: Int, categories: [(level: String, count: Int)]?,
                outside: [StreamingProfiler.Interval: (count: Int, examples: [Double])]) {
        self.name = name
        self.kind = kind
        self.count = count
        self.nulls = nulls
        self.invalid = invalid
        self.firstInvalid = firstInvalid
        self.low = low
        self.high = high
        self.mean = mean
        self.deciles = deciles
        self.median = median
        self.distinct = distinct
        self.categories = categories
        self.outside = outside
    }
}
