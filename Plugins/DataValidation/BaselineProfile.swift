import GateKit

/// Everything data validation asks of the baseline's files, in a form the cache keeps: each
/// column's counts, extremes, category counts and sorted values, and the row-fingerprint results
/// (duplicates, holdout rows found in train). Content-addressed by the files' blob ids, so the
/// second pull request against the same main reads and profiles head alone.
///
/// Checks read the baseline through this profile whether it came from the cache or was made in
/// this run: a cached and an uncached run then compute every number with the same code.
struct BaselineProfile: Sendable {
    /// Changes whenever what is stored, or how it is computed, changes: older entries then miss.
    static let version = "data-validation/baseline-profile/1"

    struct ColumnProfile: Sendable {
        let name: String
        let kind: ColumnKind
        /// Rows, missing values included.
        let count: Int
        let nulls: Int
        let invalid: Int
        let firstInvalid: (value: String, line: Int)?
        /// Smallest and largest value (NaN without values); numeric and boolean columns.
        let low: Double
        let high: Double
        let singleValued: Bool
        /// Distinct present values.
        let distinct: Int
        /// Numeric columns: every present value, sorted (what exact PSI and KS need).
        let sorted: [Double]
        /// Categorical and boolean columns, and a classification target: counts in first-seen order.
        let categories: CategoricalProfile?
        /// Values outside the schema's bounds, for the intervals the key names.
        let outside: [StreamingProfiler.Interval: (count: Int, examples: [Double])]
    }

    let rows: Int
    let columns: [ColumnProfile]
    /// Train's rows that repeat an earlier row, over its columns but the ignored ones.
    let duplicates: Int
    /// The baseline holdout's rows also in its train, and the holdout's rows; nil without a holdout.
    let leaked: (count: Int, rows: Int)?

    func column(_ name: String) -> ColumnProfile? { columns.first { $0.name == name } }

    /// Whether the checks may read this profile in place of the files for `head`: the same
    /// columns in the same order, so no rename is to be found and the fingerprints cover what
    /// head's cover. Any other head reads the baseline's files.
    func applies(toHeadColumns names: [String]) -> Bool { names == columns.map(\.name) }

    // MARK: The cache key

    /// What the profile depends on besides the files: how they are parsed (declared types), and
    /// the head configuration's ignored columns, target, task and schema bounds.
    struct Inputs {
        let train: String
        let holdout: String?
        let declared: [String: ColumnKind]
        let ignored: [String]
        let target: String
        let task: TaskKind
        let intervals: [String: StreamingProfiler.Interval]

        /// `head` under the policy; `naming` is the configuration the baseline's files were read
        /// under (its own, or head's when it has none).
        init?(head: Configuration, naming: Configuration, hashes: [String: String]) {
            guard let train = hashes["train"] else { return nil }
            self.train = train
            holdout = naming.data.holdout == nil ? nil : hashes["holdout"]
            declared = naming.declaredTypes
            ignored = head.features.ignore
            target = head.target
            task = head.task
            intervals = BaselineProfile.intervals(head)
        }

        var key: String {
            let declaredText = declared.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.rawValue)" }.joined(separator: "\u{1}")
            let bounds = intervals.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.low.bitPattern),\($0.value.high.bitPattern)" }
            return CacheKey.digest([BaselineProfile.version, train, holdout ?? "-", declaredText, ignored.joined(separator: "\u{1}"), target,
                                    task.rawValue, bounds.joined(separator: "\u{1}")].joined(separator: "\u{0}"))
        }
    }

    /// The schema's min/max by column: the intervals whose outliers a profile counts.
    static func intervals(_ configuration: Configuration) -> [String: StreamingProfiler.Interval] {
        Dictionary(configuration.schema.compactMap { e -> (String, StreamingProfiler.Interval)? in
            guard e.min != nil || e.max != nil else { return nil }
            return (e.column, StreamingProfiler.Interval(low: e.min ?? -.infinity, high: e.max ?? .infinity))
        }, uniquingKeysWith: { a, _ in a })
    }

    // MARK: Making one

    init(train: Table, holdout: Table?, inputs: Inputs, jobs: Int) {
        let ignored = Set(inputs.ignored)
        let classificationTarget = inputs.task != .regression ? inputs.target : nil
        rows = train.rowCount
        let fingerprinted = train.columnNames.filter { !ignored.contains($0) }
        // Row fingerprints (duplicates, and holdout rows in train) hash and sort every row on one
        // thread each: they go first, and the columns' profiles fill the other cores meanwhile.
        enum Part: Sendable {
            case duplicates(Int)
            case leaked((count: Int, rows: Int)?)
            case column(ColumnProfile)
        }
        let parts = Parallel.map(2 + train.columns.count, jobs: jobs) { i -> Part in
            switch i {
            case 0: return .duplicates(DuplicatesCheck.duplicates(.memory(train), columns: fingerprinted).count)
            case 1: return .leaked(holdout.map { holdout in
                (LeakageCheck.leaked(train: .memory(train), holdout: .memory(holdout), ignored: ignored).count, holdout.rowCount)
            })
            default:
                let column = train.columns[i - 2]
                return .column(Self.profile(column, categoriesToo: column.name == classificationTarget, interval: inputs.intervals[column.name]))
            }
        }
        var duplicates = 0, leaked: (count: Int, rows: Int)?, columns: [ColumnProfile] = []
        for part in parts {
            switch part {
            case .duplicates(let count): duplicates = count
            case .leaked(let found): leaked = found
            case .column(let profile): columns.append(profile)
            }
        }
        self.duplicates = duplicates
        self.leaked = leaked
        self.columns = columns
    }

    private static func profile(_ column: Column, categoriesToo: Bool, interval: StreamingProfiler.Interval?) -> ColumnProfile {
        let data = ColumnData.memory(column)
        let (low, high) = data.extremes
        let sorted = column.kind == .numeric ? RadixSort.sortedNonMissing(column.numericValues ?? []) : []
        let categories = column.kind != .numeric || categoriesToo ? CategoricalProfile(column: column) : nil
        var distinct = categories?.distinct ?? 0
        if categories == nil {
            distinct = sorted.isEmpty ? 0 : 1
            for i in sorted.indices.dropFirst() where sorted[i] != sorted[i - 1] { distinct += 1 }
        }
        var outside: [StreamingProfiler.Interval: (count: Int, examples: [Double])] = [:]
        if let interval, column.numericValues != nil { outside[interval] = data.outside(interval.low, interval.high) }
        return ColumnProfile(name: column.name, kind: column.kind, count: column.count, nulls: column.nullCount, invalid: column.invalidCount,
                             firstInvalid: column.firstInvalid, low: low, high: high, singleValued: data.isSingleValued, distinct: distinct,
                             sorted: sorted, categories: categories, outside: outside)
    }

    // MARK: Bytes

    /// Little-endian, length-prefixed: a magic and the version first, so that another version's
    /// entry, or a truncated one, reads as a miss (`nil`), never as numbers.
    func encoded() -> [UInt8] {
        var out = ByteWriter()
        out.bytes.reserveCapacity(columns.reduce(1 << 16) { $0 + 8 * $1.sorted.count + 48 * ($1.categories?.counts.count ?? 0) + 256 })
        out.string(Self.version)
        out.int(rows)
        out.int(duplicates)
        out.int(leaked?.count ?? -1)
        out.int(leaked?.rows ?? -1)
        out.int(columns.count)
        for c in columns {
            out.string(c.name)
            out.string(c.kind.rawValue)
            out.int(c.count)
            out.int(c.nulls)
            out.int(c.invalid)
            out.int(c.firstInvalid == nil ? 0 : 1)
            if let first = c.firstInvalid {
                out.string(first.value)
                out.int(first.line)
            }
            out.double(c.low)
            out.double(c.high)
            out.int(c.singleValued ? 1 : 0)
            out.int(c.distinct)
            out.doubles(c.sorted)
            out.int(c.categories == nil ? -1 : c.categories!.counts.count)
            if let categories = c.categories {
                out.int(categories.count)
                out.int(categories.nulls)
                for level in categories.counts {
                    out.string(level.level)
                    out.int(level.count)
                }
            }
            out.int(c.outside.count)
            for (interval, found) in c.outside.sorted(by: { ($0.key.low, $0.key.high) < ($1.key.low, $1.key.high) }) {
                out.double(interval.low)
                out.double(interval.high)
                out.int(found.count)
                out.doubles(found.examples)
            }
        }
        return out.bytes
    }

    init?(decoding bytes: [UInt8]) {
        var input = ByteReader(bytes)
        guard input.string() == Self.version, let rows = input.int(), let duplicates = input.int(),
              let leakedCount = input.int(), let leakedRows = input.int(), let columnCount = input.count() else { return nil }
        var columns: [ColumnProfile] = []
        for _ in 0..<columnCount {
            guard let name = input.string(), let kind = input.string().flatMap(ColumnKind.init(rawValue:)),
                  let count = input.int(), let nulls = input.int(), let invalid = input.int(), let hasInvalid = input.int() else { return nil }
            var firstInvalid: (String, Int)?
            if hasInvalid == 1 {
                guard let value = input.string(), let line = input.int() else { return nil }
                firstInvalid = (value, line)
            }
            guard let low = input.double(), let high = input.double(), let single = input.int(), let distinct = input.int(),
                  let sorted = input.doubles(), let levelCount = input.int() else { return nil }
            var categories: CategoricalProfile?
            if levelCount >= 0 {
                guard let total = input.int(), let levelNulls = input.int(), levelCount <= input.remaining else { return nil }
                var counts: [(level: String, count: Int)] = []
                counts.reserveCapacity(levelCount)
                for _ in 0..<levelCount {
                    guard let level = input.string(), let n = input.int() else { return nil }
                    counts.append((level, n))
                }
                categories = CategoricalProfile(count: total, nulls: levelNulls, counts: counts)
            }
            guard let intervals = input.count() else { return nil }
            var outside: [StreamingProfiler.Interval: (count: Int, examples: [Double])] = [:]
            for _ in 0..<intervals {
                guard let low = input.double(), let high = input.double(), let n = input.int(), let examples = input.doubles() else { return nil }
                outside[StreamingProfiler.Interval(low: low, high: high)] = (n, examples)
            }
            columns.append(ColumnProfile(name: name, kind: kind, count: count, nulls: nulls, invalid: invalid, firstInvalid: firstInvalid,
                                         low: low, high: high, singleValued: single == 1, distinct: distinct, sorted: sorted,
                                         categories: categories, outside: outside))
        }
        guard input.remaining == 0 else { return nil }
        self.rows = rows
        self.duplicates = duplicates
        self.leaked = leakedCount < 0 ? nil : (leakedCount, leakedRows)
        self.columns = columns
    }
}
