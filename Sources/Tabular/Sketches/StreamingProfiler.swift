#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a file too large to read whole is laid out: delimited text read in windows, or Parquet
/// read a few row groups at a time.
public enum StreamedFormat: Sendable, Equatable {
    case delimited(UInt8)
    case parquet

    /// The format a data path names, if it can be streamed (CSV, TSV, Parquet; not gzip or JSON Lines).
    public init?(path: String) {
        guard !path.lowercased().hasSuffix(".gz") else { return nil }
        switch TableReader.format(of: path) {
        case .csv?: self = .delimited(UInt8(ascii: ","))
        case .tsv?: self = .delimited(0x09)
        case .parquet?: self = .parquet
        default: return nil
        }
    }
}

/// The profile of one column of a file read as a stream.
public struct ColumnSummary: Sendable {
    public let name: String
    public let kind: ColumnKind
    public let count: Int
    public let nulls: Int
    public let invalid: Int
    public let min: Double
    public let max: Double
    public let mean: Double
    /// Sample standard deviation (ddof = 1).
    public let std: Double
    /// At `NumericProfile.quantileLevels`; exact, or within `rankError` in rank.
    public let quantiles: [Double]
    public let rankError: Double
    public let distinct: Int
    public let distinctIsExact: Bool
    /// Ten equal-width bins between min and max, from the quantile sketch.
    public let histogram: [Int]
    /// Most frequent categories (categorical and boolean columns).
    public let top: [(level: String, count: Int)]
    /// Values (numeric columns), for quantiles and distribution distances.
    public let sketch: QuantileSketch
    /// Every category with its count in first-seen order, numbers spelled as the in-memory
    /// profile spells them; complete unless `categoriesComplete` is false (too many distinct).
    public let categoryCounts: [(level: String, count: Int)]
    public let categoriesComplete: Bool
    /// The first value that broke a declared type, with its line.
    public let firstInvalid: (value: String, line: Int)?
    /// For each requested interval, the values outside it and the first few of them.
    public let outside: [StreamingProfiler.Interval: (count: Int, examples: [Double])]
}

/// Profiles a delimited or Parquet file in one pass over fixed-size windows (row groups for
/// Parquet), in memory that does not grow with the number of rows: the window, one window's
/// columns, and per column a quantile sketch, a distinct counter, running moments and category
/// counts.
///
/// A delimited file's column types are inferred from the first window and then fixed, so a later
/// value that does not fit is counted as invalid rather than retyping what has been summarised;
/// a Parquet file's come from its schema.
public struct StreamingProfiler {
    public static let windowSize = 16 << 20
    /// Categories tracked by name; beyond, new ones are counted together.
    public static let categoryLimit = 100_000

    /// A closed interval whose outliers a profile counts exactly (a schema's min/max, the baseline's range).
    public struct Interval: Hashable, Sendable {
        public let low: Double
        public let high: Double
        public init(low: Double, high: Double) {
            self.low = low
            self.high = high
        }
    }

    /// What to collect beyond the summaries.
    public struct Options: Sendable {
        /// Column types fixed in advance (`features:` and `schema:`), as the in-memory reader takes them.
        public var declared: [String: ColumnKind] = [:]
        /// Intervals to count values outside of, by column.
        public var intervals: [String: [Interval]] = [:]
        /// Columns to fingerprint rows by (`RowHashing`); nil collects no fingerprints.
        public var hashColumns: [String]?
        /// Numeric columns whose values are also counted as categories (class labels, for label
        /// drift), up to `numericCategoryLimit` distinct values: a dictionary update a value, so
        /// only for the columns that need it.
        public var countedNumbers: Set<String> = []
        public var numericCategoryLimit = 1_000
        /// The most one Parquet row group may take once read (see `ParquetStream`).
        public var rowGroupLimit = 1 << 30
        public init() {}
    }

    private struct Accumulator {
        var kind: ColumnKind?
        var intervals: [Interval] = []
        var outside: [(count: Int, examples: [Double])] = []
        var numericLimit = 1_000
        var numericCounts: [Double: Int] = [:]
        var numericOrder: [Double] = []
        var numericOverflow = false
        var firstInvalid: (value: String, line: Int)?
        var rows = 0, nulls = 0, invalid = 0
        var n = 0, mean = 0.0, m2 = 0.0, min = Double.infinity, max = -Double.infinity
        /// k = 4096: rank error 0.04%, so that a stream's PSI and KS stay within a few
        /// thousandths of the exact ones, for about 100 KB a column.
        var sketch = QuantileSketch(k: 4096)
        var distinct = DistinctCounter()
        var categories: [String: Int] = [:]
        var order: [String] = []
        var overflow = 0

        mutating func add(_ column: Column) {
            rows += column.count
            nulls += column.nullCount
            invalid += column.invalidCount
            if firstInvalid == nil, let first = column.firstInvalid { firstInvalid = first }
            if kind == nil, column.validCount > 0 { kind = column.kind }
            switch column.storage {
            case .numeric(let values):
                // Chan's parallel update: the chunk's moments, then one merge, in file order.
                var cn = 0, cmean = 0.0, cm2 = 0.0
                for v in values where !v.isNaN {
                    cn += 1
                    let delta = v - cmean
                    cmean += delta / Double(cn)
                    cm2 += delta * (v - cmean)
                    if v < min { min = v }
                    if v > max { max = v }
                    sketch.insert(v)
                    distinct.insert((v == 0 ? 0.0 : v).bitPattern)
                    if column.kind == .boolean { count(v == 1 ? "true" : "false", 1) } else if !numericOverflow { countNumber(v) }
                    for (i, interval) in intervals.enumerated() where v < interval.low || v > interval.high {
                        outside[i].count += 1
                        if outside[i].examples.count < 5 { outside[i].examples.append(v) }
                    }
                }
                if cn > 0 {
                    let total = n + cn
                    let delta = cmean - mean
                    mean += delta * Double(cn) / Double(total)
                    m2 += cm2 + delta * delta * Double(n) * Double(cn) / Double(total)
                    n = total
                }
            case .categorical(let codes, let levels):
                var tally = [Int](repeating: 0, count: levels.count)
                for code in codes where code >= 0 { tally[Int(code)] += 1 }
                for (level, c) in zip(levels, tally) where c > 0 { count(level, c) }
            }
        }

        private mutating func countNumber(_ v: Double) {
            if let existing = numericCounts[v] {
                numericCounts[v] = existing + 1
            } else if numericCounts.count < numericLimit {
                numericCounts[v] = 1
                numericOrder.append(v)
            } else {
                numericOverflow = true
                numericCounts = [:]
                numericOrder = []
            }
        }

        private mutating func count(_ level: String, _ c: Int) {
            if let existing = categories[level] {
                categories[level] = existing + c
            } else if categories.count < StreamingProfiler.categoryLimit {
                categories[level] = c
                order.append(level)
                var hash: UInt64 = 0xCBF2_9CE4_8422_2325
                for byte in level.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
                distinct.insert(hash)
            } else {
                overflow += c
            }
        }

        func summary(_ name: String) -> ColumnSummary {
            let kind = self.kind ?? .numeric
            let quantiles = NumericProfile.quantileLevels.map { sketch.quantile($0) }
            var histogram = [Int](repeating: 0, count: 10)
            if n > 0, max > min {
                // Bin counts from the sketch's CDF at the bin edges.
                var previous = 0
                for b in 1...10 {
                    let edge = min + (max - min) * Double(b) / 10
                    let below = b == 10 ? n : Int((sketch.rank(of: edge) * Double(n)).rounded())
                    histogram[b - 1] = below - previous
                    previous = below
                }
            }
            let top = order.enumerated().sorted { a, b in
                let ca = categories[a.element]!, cb = categories[b.element]!
                return ca != cb ? ca > cb : a.offset < b.offset
            }.prefix(10).map { ($0.element, categories[$0.element]!) }
            return ColumnSummary(name: name, kind: kind, count: rows - nulls - invalid, nulls: nulls, invalid: invalid,
                                 min: n > 0 ? min : .nan, max: n > 0 ? max : .nan, mean: n > 0 ? mean : .nan,
                                 std: n > 1 ? (m2 / Double(n - 1)).squareRoot() : .nan,
                                 quantiles: n > 0 ? quantiles : [], rankError: sketch.rankError,
                                 distinct: distinct.count, distinctIsExact: distinct.isExact && overflow == 0,
                                 histogram: histogram, top: top, sketch: sketch,
                                 categoryCounts: kind == .numeric ? numericOrder.map { (NumberFormatting.shortest($0), numericCounts[$0]!) }
                                                                  : order.map { ($0, categories[$0]!) },
                                 categoriesComplete: kind == .numeric ? !numericOverflow : overflow == 0,
                                 firstInvalid: firstInvalid,
                                 outside: Dictionary(uniqueKeysWithValues: zip(intervals, outside).map { ($0, $1) }))
        }
    }

    /// Each column's accumulator is updated by exactly one thread.
    private struct SharedAccumulators: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<Accumulator>
    }

    public struct Result: Sendable {
        public let rows: Int
        public let columns: [ColumnSummary]
        /// Row fingerprints in file order, when `Options.hashColumns` asked for them.
        public let rowHashes: [UInt64]?

        public func column(_ name: String) -> ColumnSummary? { columns.first { $0.name == name } }
    }

    /// Profiles the file at `path` (CSV, TSV with `.delimited(0x09)`, or Parquet).
    /// - Parameter jobs: threads that parse each window and update the columns' summaries; the
    ///   result is the same for any value (chunks and merges follow the file's order).
    public static func profile(path: String, format: StreamedFormat = .delimited(UInt8(ascii: ",")), jobs: Int = 1,
                               windowSize: Int = StreamingProfiler.windowSize, options: Options = Options(),
                               source: String? = nil) throws(TabularError) -> Result {
        guard case .delimited(let delimiter) = format else {
            return try parquetPass(path: path, jobs: jobs, options: options, source: source ?? path)
        }
        // Types are fixed by the first window that has values. A later value that does not fit
        // would make the in-memory reader read the column as text; here it restarts the pass
        // with that column declared categorical (mixed columns are rare, so restarts are too).
        var options = options
        while true {
            switch try pass(path: path, delimiter: delimiter, jobs: jobs, windowSize: windowSize, options: options, source: source ?? path) {
            case .done(let result): return result
            case .retype(let columns): for name in columns { options.declared[name] = .categorical }
            }
        }
    }

    /// The column names of the file at `path`, from a delimited file's first bytes or a Parquet file's footer.
    public static func header(path: String, format: StreamedFormat = .delimited(UInt8(ascii: ",")), source: String? = nil) throws(TabularError) -> [String] {
        guard case .delimited(let delimiter) = format else {
            return try ParquetStream(path: path, source: source ?? path, rowGroupLimit: .max).columnNames
        }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .empty(file: source ?? path) }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 1 << 20)
        let got = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        let reader = DelimitedReader(file: source ?? path, delimiter: delimiter, declared: [:])
        return try bytes.withUnsafeBufferPointer { buffer throws(TabularError) in
            try reader.readHeader(UnsafeBufferPointer(rebasing: buffer[0..<max(0, got)])).names
        }
    }

    private enum Pass { case done(Result), retype([String]) }

    /// The summaries being built, one chunk of rows at a time in file order.
    private struct Collector {
        var accumulators: [Accumulator]
        var hashes: [UInt64]?
        var rows = 0
        let header: [String]
        let hashColumns: [String]?

        init(header: [String], options: Options) {
            self.header = header
            hashColumns = options.hashColumns
            hashes = options.hashColumns == nil ? nil : []
            accumulators = header.map { name -> Accumulator in
                var accumulator = Accumulator()
                accumulator.intervals = options.intervals[name] ?? []
                accumulator.outside = accumulator.intervals.map { _ in (0, []) }
                accumulator.numericLimit = options.numericCategoryLimit
                accumulator.numericOverflow = !options.countedNumbers.contains(name)
                return accumulator
            }
        }

        mutating func add(_ table: Table, jobs: Int) {
            accumulators.withUnsafeMutableBufferPointer { buffer in
                let target = SharedAccumulators(buffer: buffer)
                _ = Parallel.map(table.columns.count, jobs: jobs) { i in
                    target.buffer[i].add(table.columns[i])
                    return true
                }
            }
            if let columns = hashColumns { hashes?.append(contentsOf: RowHashing.hashes(table, columns: columns)) }
            rows += table.rowCount
        }

        var result: Result { Result(rows: rows, columns: zip(header, accumulators).map { $1.summary($0) }, rowHashes: hashes) }
    }

    private static func pass(path: String, delimiter: UInt8, jobs: Int, windowSize: Int, options: Options,
                             source: String) throws(TabularError) -> Pass {
        let file = try FileWindows(path: path, source: source, windowSize: windowSize)
        var reader = DelimitedReader(file: source, delimiter: delimiter, declared: options.declared)
        let (header, bodyStart, headerLines) = try reader.readHeader(file.window)
        file.consume(bodyStart)
        var collector = Collector(header: header, options: options)
        var lines = headerLines
        repeat {
            let window = file.window
            let end: Int
            if file.atEnd {
                end = window.count
            } else if let last = reader.lastRecordEnd(window) {
                end = last
            } else {
                throw .raggedRow(file: source, line: lines + 1, expected: header.count, found: 0)  // a record longer than the window
            }
            if end > 0 {
                let (table, used) = try reader.readRecords(UnsafeBufferPointer(rebasing: window[0..<end]), header: header,
                                                           lineOffset: lines, jobs: jobs)
                // An inferred type broken by this window: what the in-memory reader would read as text.
                let broken = table.columns.filter { $0.invalidCount > 0 && options.declared[$0.name] == nil }.map { $0.name }
                if !broken.isEmpty { return .retype(broken) }
                var fixed = reader.declared
                for column in table.columns where column.validCount > 0 && fixed[column.name] == nil { fixed[column.name] = column.kind }
                reader.declared = fixed
                collector.add(table, jobs: jobs)
                lines += used
            }
            file.consume(end)
        } while file.advance()
        return .done(collector.result)
    }

    /// A Parquet file's pass: its schema fixes the types, so no window can retype a column.
    private static func parquetPass(path: String, jobs: Int, options: Options, source: String) throws(TabularError) -> Result {
        let file = try ParquetStream(path: path, source: source, declared: options.declared, rowGroupLimit: options.rowGroupLimit)
        var collector = Collector(header: file.columnNames, options: options)
        for batch in file.batches.indices { collector.add(try file.read(batch: batch, jobs: jobs), jobs: jobs) }
        return collector.result
    }
}
