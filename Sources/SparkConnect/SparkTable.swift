import Foundation
import GateKit
import Tabular

/// A Spark source as the checks see it: every statistic is one SQL aggregate run in Spark over
/// a session view of the source, so a table of any size costs this process the few kilobytes of
/// its answers.
///
/// The source's name and path reach Spark as a plan's fields (a `Read` relation), and its
/// predicate as an expression of a `Filter`; the SQL text mlgate writes names only the view
/// (its own identifier) and column names, quoted. Numbers it writes are its own (edges,
/// bounds), printed exactly.
public final class SparkTable: RemoteTable, @unchecked Sendable {
    public let source: SparkSource
    public let session: SparkSession
    public let label: String
    public let engine: String
    /// The session view the queries read.
    let view: String
    /// Column names and how their Spark types are read.
    public let columns: [(name: String, kind: SparkKind)]
    /// Tables up to this many rows get exact percentiles (Spark sorts every value of a column);
    /// larger ones Spark's approximate percentile, with its rank error stated.
    public let exactRows: Int
    public var columnNames: [String] { columns.map(\.name) }
    private let lock = NSLock()
    private var lastSample: (rows: Int, of: Int)?
    private var rowCount: Int?
    /// The approximate profile's quantile grids, by column, for the KS estimate.
    private var profileGrids: [String: [Double]] = [:]
    public var sampled: (rows: Int, of: Int)? { lock.withLock { lastSample } }

    public enum SparkKind: Sendable, Equatable {
        case number, boolean, text
        /// Dates and timestamps: read as text, as the CSV reader keeps a datetime column.
        case time
    }

    public init(source: SparkSource, session: SparkSession, version: String, label: String, exactRows: Int = 5_000_000) throws(TabularError) {
        self.source = source
        self.session = session
        self.label = label
        self.engine = "Spark \(version) at \(session.remote)"
        self.exactRows = exactRows
        let view = "mlgate_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        self.view = view

        var read = Spark_Connect_Read()
        switch source.location {
        case .table(let name):
            var table = Spark_Connect_Read.NamedTable()
            table.unparsedIdentifier = name
            if let version = source.version { table.options["versionAsOf"] = version }
            read.namedTable = table
        case .parquet(let path):
            var data = Spark_Connect_Read.DataSource()
            data.format = "parquet"
            data.paths = [path]
            read.dataSource = data
        }
        var relation = Spark_Connect_Relation()
        relation.read = read
        if let predicate = source.predicate {
            var filter = Spark_Connect_Filter()
            filter.input = relation
            var condition = Spark_Connect_Expression()
            var text = Spark_Connect_Expression.ExpressionString()
            text.expression = predicate
            condition.expressionString = text
            filter.condition = condition
            relation = Spark_Connect_Relation()
            relation.filter = filter
        }
        var command = Spark_Connect_Command()
        var create = Spark_Connect_CreateDataFrameViewCommand()
        create.input = relation
        create.name = view
        create.replace = true
        create.isGlobal = false
        command.createDataframeView = create
        let label = label
        func failing<T>(_ body: () throws(SparkError) -> T) throws(TabularError) -> T {
            do { return try body() } catch { throw .remote(source: label, reason: error.description) }
        }
        try failing { () throws(SparkError) in try session.run(command, what: "opening \(label)") }
        let schema = try failing { () throws(SparkError) in try session.sql("SELECT * FROM \(view) LIMIT 0", what: "reading \(label)'s columns") }
        var columns: [(String, SparkKind)] = []
        for column in schema.columns {
            switch column.values {
            case .doubles: columns.append((column.name, .number))
            case .integers:
                columns.append((column.name, .number))
            case .booleans: columns.append((column.name, .boolean))
            case .strings: columns.append((column.name, .text))
            case .lists: throw .remote(source: label, reason: "column \(column.name) holds arrays; select flat columns (a view) for mlgate")
            }
        }
        // Dates and timestamps arrive as integers; Spark's own types tell them apart.
        let types = try failing { () throws(SparkError) in
            try session.sql("SELECT " + schema.columns.map { "typeof(\(Self.quote($0.name)))" }.joined(separator: ", ") + " FROM \(view) LIMIT 1",
                            what: "reading \(label)'s types")
        }
        if types.rowCount == 1 {
            for (i, column) in types.columns.enumerated() where i < columns.count {
                let type = column.values.text(0) ?? ""
                if type.hasPrefix("date") || type.hasPrefix("timestamp") { columns[i].1 = .time }
            }
        }
        self.columns = columns
    }

    // MARK: Statistics

    /// Quoted as a Spark SQL identifier: backticks, a backtick doubled.
    static func quote(_ name: String) -> String { "`" + name.replacingOccurrences(of: "`", with: "``") + "`" }

    /// A double exactly, as Spark SQL reads it back.
    static func literal(_ value: Double) -> String {
        if value.isNaN { return "CAST('NaN' AS DOUBLE)" }
        if value.isInfinite { return value > 0 ? "CAST('Infinity' AS DOUBLE)" : "CAST('-Infinity' AS DOUBLE)" }
        return "CAST('\(value.description)' AS DOUBLE)"
    }

    /// A column's value as the checks read it: numbers as doubles with NaN as missing (the
    /// in-memory reader's rule), booleans as 0/1, the rest as text.
    private func valueExpression(_ name: String, as kind: ColumnKind) -> String {
        let q = Self.quote(name)
        // try_cast: a value that is not of the declared type is missing here and counted as
        // invalid (present in the raw column), as the file readers count it.
        switch kind {
        case .numeric: return "nanvl(try_cast(\(q) AS DOUBLE), CAST(NULL AS DOUBLE))"
        case .boolean: return "CAST(try_cast(\(q) AS BOOLEAN) AS DOUBLE)"
        case .categorical: return "CAST(\(q) AS STRING)"
        }
    }

    /// Whether a row has a value at all, whatever its type: NaN is missing in a numeric column.
    private func presentExpression(_ index: Int) -> String {
        let q = Self.quote(columns[index].name)
        return columns[index].kind == .number ? "nanvl(CAST(\(q) AS DOUBLE), CAST(NULL AS DOUBLE))" : "CAST(\(q) AS STRING)"
    }

    /// How the checks type a column: the configuration's declaration, else Spark's type.
    public func kind(of name: String, declared: [String: ColumnKind]) -> ColumnKind {
        if let kind = declared[name] { return kind }
        switch columns.first(where: { $0.name == name })?.kind {
        case .number?: return .numeric
        case .boolean?: return .boolean
        default: return .categorical
        }
    }

    private func query(_ sql: String, what: String) throws(TabularError) -> ArrowStream {
        do { return try session.sql(sql, what: what) } catch { throw .remote(source: label, reason: error.description) }
    }

    /// Aggregates, each named, over `source` (a relation in SQL), as one row: run in groups
    /// small enough for Spark to compile each group into one loop. Whole-stage code generation
    /// gives up past 100 fields, and the JVM does not compile a method past 8 KB of bytecode;
    /// one aggregate of 26 columns' statistics ran 2.3× slower than the same aggregates in
    /// groups of about 50, although each group scans the data again.
    private func aggregates(_ selects: [(name: String, expression: String, fields: Int)], from source: String,
                            what: String) throws(TabularError) -> [String: ArrowStream.Values] {
        var out: [String: ArrowStream.Values] = [:]
        var start = 0
        while start < selects.count {
            var end = start, fields = 0
            while end < selects.count && (end == start || fields + selects[end].fields <= Self.fieldsPerQuery) {
                fields += selects[end].fields
                end += 1
            }
            let result = try query(Self.select(selects[start..<end], from: source), what: what)
            guard result.rowCount == 1 else { throw .remote(source: label, reason: "an aggregate query returned \(result.rowCount) rows") }
            for column in result.columns { out[column.name] = column.values }
            start = end
        }
        return out
    }

    /// `SELECT expression AS name, … FROM source`.
    private static func select(_ items: some Collection<(name: String, expression: String, fields: Int)>, from source: String) -> String {
        "SELECT " + items.map { "\($0.expression) AS \($0.name)" }.joined(separator: ", ") + " FROM \(source)"
    }

    /// Aggregate buffer fields per query: under whole-stage code generation's 100.
    static let fieldsPerQuery = 60

    public func profile(_ request: RemoteProfileRequest) throws(TabularError) -> RemoteProfile {
        let rows = try countRows()
        let exact = rows <= exactRows
        let accuracy = 10_000
        let kinds = columns.map { kind(of: $0.name, declared: request.declared) }
        // Exact: the deciles and the median. Approximate: the 999-point grid the KS estimate
        // needs too (one sketch per column serves both; the deciles are its 100th, 200th, …
        // points, the same levels asked the same sketch).
        let levels: [Double] = exact ? (1...9).map { (k: Int) -> Double in Double(k) / 10 } + [0.5]
                                     : (1...Self.gridPoints).map { (k: Int) -> Double in Double(k) / Double(Self.gridPoints + 1) }
        let levelList = levels.map { (level: Double) -> String in level.description }.joined(separator: ", ")
        let hashed = request.hashColumns.filter { name in columns.contains { $0.name == name } }

        var inner: [String] = []
        var simple: [(name: String, expression: String, fields: Int)] = []
        var sketches: [(name: String, expression: String, fields: Int)] = []
        for (i, column) in columns.enumerated() {
            let v = "v\(i)"
            inner.append("\(valueExpression(column.name, as: kinds[i])) AS \(v)")
            inner.append("\(presentExpression(i)) AS r\(i)")
            simple.append(("n\(i)", "count(\(v))", 1))
            simple.append(("p\(i)", "count(r\(i))", 1))
            simple.append(("bad\(i)", "min(IF(\(v) IS NULL, r\(i), NULL))", 1))
            // No distinct counts here: several exact DISTINCTs in one aggregate make Spark copy
            // every row once per column, and HyperLogLog++ cost as much as the rest of the
            // profile. Levels are counted exactly by the category query; a numeric column's
            // extremes say whether it holds one value, and `distinctCounts` counts the rest
            // where a check reports it.
            guard kinds[i] != .categorical else { continue }
            simple.append(("lo\(i)", "min(\(v))", 1))
            simple.append(("hi\(i)", "max(\(v))", 1))
            simple.append(("mean\(i)", "avg(\(v))", 2))
            sketches.append(("q\(i)", exact ? "percentile(\(v), array(\(levelList)))" : "percentile_approx(\(v), array(\(levelList)), \(accuracy))", 1))
            for (k, interval) in (request.intervals[column.name] ?? []).enumerated() {
                let out = "(\(v) < \(Self.literal(interval.low)) OR \(v) > \(Self.literal(interval.high)))"
                simple.append(("out\(i)_\(k)", "count_if(\(out))", 1))
                simple.append(("outlo\(i)_\(k)", "min(IF(\(out), \(v), NULL))", 1))
                simple.append(("outhi\(i)_\(k)", "max(IF(\(out), \(v), NULL))", 1))
            }
        }
        let source = "(SELECT \(inner.joined(separator: ", ")) FROM \(view))"
        var result = try aggregates(simple, from: source, what: "profiling \(label)")
        // The sketches in one query of their own: they are not compiled to a loop anyway, and
        // they hold one buffer a column whatever their number.
        if !sketches.isEmpty {
            let answer = try query(Self.select(sketches, from: source), what: "taking \(label)'s percentiles")
            for column in answer.columns { result[column.name] = column.values }
        }
        func number(_ name: String) -> Double { result[name]?.number(0) ?? .nan }

        let counted = Set(request.countedNumbers)
        let categories = try categoryCounts(kinds: kinds, counted: columns.indices.filter { counted.contains(columns[$0].name) }, limit: request.categoryLimit)
        var out: [RemoteColumn] = []
        var grids: [String: [Double]] = [:]
        for (i, column) in columns.enumerated() {
            let valid = Int(number("n\(i)")), present = Int(number("p\(i)"))
            var deciles: [Double] = [], median = Double.nan
            if case .lists(let lists)? = result["q\(i)"], let list = lists[0], list.count == levels.count {
                let values = (0..<list.count).map { list.number($0) ?? .nan }
                if exact {
                    deciles = Array(values.prefix(9))
                    median = values[9]
                } else {
                    let step = (Self.gridPoints + 1) / 10
                    deciles = (1...9).map { values[$0 * step - 1] }
                    median = values[5 * step - 1]
                    if kinds[i] == .numeric { grids[column.name] = values }
                }
            }
            var outside: [StreamingProfiler.Interval: (count: Int, examples: [Double])] = [:]
            for (k, interval) in (request.intervals[column.name] ?? []).enumerated() {
                let n = Int(number("out\(i)_\(k)"))
                let examples = [number("outlo\(i)_\(k)"), number("outhi\(i)_\(k)")].filter { !$0.isNaN }
                outside[interval] = (n, n == 1 ? [examples[0]] : examples)
            }
            let counts = categories[i]
            // A numeric column: none, one, or more than one value (counted when reported).
            let distinct = counts?.distinct ?? (valid == 0 ? 0 : number("lo\(i)") == number("hi\(i)") ? 1 : 2)
            out.append(RemoteColumn(name: column.name, kind: kinds[i], count: valid, nulls: rows - present, invalid: present - valid,
                                    firstInvalid: present > valid ? result["bad\(i)"]?.text(0) : nil,
                                    low: number("lo\(i)"), high: number("hi\(i)"), mean: number("mean\(i)"),
                                    deciles: deciles, median: median, distinct: distinct,
                                    categories: kinds[i] == .numeric && !counted.contains(column.name) ? nil : counts?.counts ?? [], outside: outside))
        }
        lock.withLock { profileGrids = grids }
        var duplicates = 0
        if !hashed.isEmpty {
            let list = hashed.map(Self.quote).joined(separator: ", ")
            let distinctRows = try query("SELECT count(1) AS n FROM (SELECT DISTINCT \(list) FROM \(view))", what: "counting \(label)'s distinct rows")
            duplicates = rows - Int(distinctRows.columns.first?.values.number(0) ?? Double(rows))
        }
        // percentile_approx returns an order statistic (no interpolation), within 1/accuracy of
        // the rank asked for: a quantile's rank is off by at most that plus one row.
        return RemoteProfile(rows: rows, columns: out, duplicates: duplicates,
                             percentileRankError: exact ? 0 : 1 / Double(accuracy) + 1 / Double(max(1, rows)))
    }

    /// Levels of the grid an approximate profile takes (and the KS estimate uses).
    static let gridPoints = 999

    /// Per categorical or boolean column, its levels' counts, most frequent first, at most
    /// `limit`, and how many levels it has: one plan for every column (each row's values
    /// unpivoted, then grouped).
    private func categoryCounts(kinds: [ColumnKind], counted: [Int], limit: Int) throws(TabularError) -> [Int: (counts: [(level: String, count: Int)], distinct: Int)] {
        let wanted = kinds.indices.filter { kinds[$0] != .numeric || counted.contains($0) }
        guard !wanted.isEmpty else { return [:] }
        // Booleans are counted under the in-memory reader's level names.
        let structs = wanted.map { i in
            let q = Self.quote(columns[i].name)
            let value = kinds[i] == .boolean ? "CASE WHEN try_cast(\(q) AS BOOLEAN) THEN 'true' WHEN NOT try_cast(\(q) AS BOOLEAN) THEN 'false' END" : "CAST(\(q) AS STRING)"
            return "named_struct('c', \(i), 'v', \(value))"
        }
        let sql = """
            SELECT c, v, n, k FROM (SELECT c, v, n, row_number() OVER (PARTITION BY c ORDER BY n DESC, v) AS r, count(1) OVER (PARTITION BY c) AS k FROM (\
            SELECT u.c, u.v, count(1) AS n FROM \(view) LATERAL VIEW inline(array(\(structs.joined(separator: ", ")))) u AS c, v \
            WHERE u.v IS NOT NULL GROUP BY u.c, u.v)) WHERE r <= \(limit) ORDER BY c, r
            """
        let result = try query(sql, what: "counting \(label)'s categories")
        guard let c = result.column("c")?.values, let v = result.column("v")?.values, let n = result.column("n")?.values,
              let k = result.column("k")?.values else {
            throw .remote(source: label, reason: "the category query returned other columns")
        }
        var counts: [Int: (counts: [(level: String, count: Int)], distinct: Int)] = [:]
        for i in wanted { counts[i] = ([], 0) }
        for row in 0..<result.rowCount {
            guard let column = c.number(row), let level = v.text(row), let count = n.number(row), let levels = k.number(row) else { continue }
            counts[Int(column)]?.counts.append((level, Int(count)))
            counts[Int(column)]?.distinct = Int(levels)
        }
        return counts
    }

    public func distinctCounts(_ names: [String]) throws(TabularError) -> [String: Int] {
        // One query a column: exact DISTINCTs side by side make Spark copy each row per column.
        var out: [String: Int] = [:]
        for name in names where columns.contains(where: { $0.name == name }) {
            let result = try query("SELECT count(DISTINCT \(valueExpression(name, as: .numeric))) AS n FROM \(view)", what: "counting \(label)'s values of \(name)")
            out[name] = Int(result.columns.first?.values.number(0) ?? 0)
        }
        return out
    }

    /// The view's row count, asked of Spark once (the profile and the sample both need it).
    private func countRows() throws(TabularError) -> Int {
        if let known = lock.withLock({ rowCount }) { return known }
        let count = try query("SELECT count(1) AS n FROM \(view)", what: "counting \(label)'s rows")
        let rows = Int(count.columns.first?.values.number(0) ?? 0)
        lock.withLock { rowCount = rows }
        return rows
    }

    public var isExactSize: Bool { lock.withLock { rowCount }.map { $0 <= exactRows } ?? true }

    public func quantileGrid(_ names: [String], points: Int) throws(TabularError) -> [String: [Double]] {
        guard !names.isEmpty, points > 0 else { return [:] }
        // The profile took these already when it was approximate.
        let known = lock.withLock { profileGrids }
        if points == Self.gridPoints, names.allSatisfy({ known[$0] != nil }) { return known.filter { names.contains($0.key) } }
        let levels = (1...points).map { String(Double($0) / Double(points + 1)) }.joined(separator: ", ")
        let selects = names.enumerated().map { "percentile_approx(\(valueExpression($0.element, as: .numeric)), array(\(levels)), 10000) AS g\($0.offset)" }
        let result = try query("SELECT \(selects.joined(separator: ", ")) FROM \(view)", what: "taking \(label)'s quantiles")
        var out: [String: [Double]] = [:]
        for (i, name) in names.enumerated() {
            guard case .lists(let lists)? = result.column("g\(i)")?.values, let list = lists.first ?? nil else { continue }
            out[name] = (0..<list.count).compactMap { list.number($0) }
        }
        return out
    }

    public func binCounts(_ edges: [String: [Double]]) throws(TabularError) -> [String: [Int]] {
        let names = edges.keys.sorted()
        guard !names.isEmpty else { return [:] }
        // Cumulative counts (values ≤ each edge, and all values), one comparison each; bin b is
        // the difference of two, as edges strictly increase.
        var selects: [(name: String, expression: String, fields: Int)] = []
        var inner: [String] = []
        for (j, name) in names.enumerated() {
            inner.append("\(valueExpression(name, as: .numeric)) AS v\(j)")
            for (b, edge) in edges[name]!.enumerated() { selects.append(("b\(j)_\(b)", "count_if(v\(j) <= \(Self.literal(edge)))", 1)) }
            selects.append(("n\(j)", "count(v\(j))", 1))
        }
        let result = try aggregates(selects, from: "(SELECT \(inner.joined(separator: ", ")) FROM \(view))", what: "binning \(label)")
        var out: [String: [Int]] = [:]
        for (j, name) in names.enumerated() {
            let e = edges[name]!
            let cumulative = e.indices.map { Int(result["b\(j)_\($0)"]?.number(0) ?? 0) } + [Int(result["n\(j)"]?.number(0) ?? 0)]
            out[name] = cumulative.indices.map { $0 == 0 ? cumulative[0] : cumulative[$0] - cumulative[$0 - 1] }
        }
        return out
    }

    public func ksStatistics(against baseline: any RemoteTable, columns names: [String]) throws(TabularError) -> [String: Double] {
        guard let other = baseline as? SparkTable, other.session.sessionID == session.sessionID else {
            throw .remote(source: label, reason: "the baseline is not in the same Spark session; both sides must be Spark sources on one spark.remote")
        }
        guard !names.isEmpty else { return [:] }
        func unpivot(_ table: SparkTable, side: String) -> String {
            let structs = names.enumerated().map { "named_struct('c', \($0.offset), 'v', \(table.valueExpression($0.element, as: .numeric)))" }
            return "SELECT u.c, u.v, \(side == "b" ? "1 AS b, 0 AS h" : "0 AS b, 1 AS h") FROM \(table.view) LATERAL VIEW inline(array(\(structs.joined(separator: ", ")))) u AS c, v"
        }
        // Both sides' values, counted per distinct value; D is the largest gap between the
        // cumulative shares, taken at every value either side has (the exact two-sample D).
        let sql = """
            SELECT c, max(abs(try_divide(cb, nb) - try_divide(ch, nh))) AS d FROM (\
            SELECT c, sum(b) OVER w AS cb, sum(h) OVER w AS ch, sum(b) OVER (PARTITION BY c) AS nb, sum(h) OVER (PARTITION BY c) AS nh FROM (\
            SELECT c, v, sum(b) AS b, sum(h) AS h FROM (\(unpivot(other, side: "b")) UNION ALL \(unpivot(self, side: "h"))) \
            WHERE v IS NOT NULL GROUP BY c, v) \
            WINDOW w AS (PARTITION BY c ORDER BY v ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) GROUP BY c
            """
        let result = try query(sql, what: "comparing \(label)'s distributions with the baseline's")
        guard let c = result.column("c")?.values, let d = result.column("d")?.values else {
            throw .remote(source: label, reason: "the KS query returned other columns")
        }
        var out: [String: Double] = [:]
        for row in 0..<result.rowCount {
            if let i = c.number(row), let value = d.number(row) { out[names[Int(i)]] = value }
        }
        return out
    }

    public func rowsFound(of other: any RemoteTable, columns names: [String]) throws(TabularError) -> Int {
        guard let other = other as? SparkTable, other.session.sessionID == session.sessionID else {
            throw .remote(source: label, reason: "the other file is not in the same Spark session")
        }
        let shared = names.filter { name in columns.contains { $0.name == name } && other.columns.contains { $0.name == name } }
        guard !shared.isEmpty else { return 0 }
        // Null-safe equality: a missing value matches a missing value, as row fingerprints do.
        // Columns typed differently on the two files (text here, numbers there) compare as text,
        // never through Spark's implicit casts, which fail on a malformed value.
        let on = shared.map { name -> String in
            let q = Self.quote(name)
            let same = columns.first { $0.name == name }?.kind == other.columns.first { $0.name == name }?.kind
            return same ? "o.\(q) <=> t.\(q)" : "CAST(o.\(q) AS STRING) <=> CAST(t.\(q) AS STRING)"
        }.joined(separator: " AND ")
        let list = shared.map(Self.quote).joined(separator: ", ")
        let sql = "SELECT count(1) AS n FROM \(other.view) o LEFT SEMI JOIN (SELECT DISTINCT \(list) FROM \(view)) t ON \(on)"
        let result = try query(sql, what: "looking for \(other.label)'s rows in \(label)")
        return Int(result.columns.first?.values.number(0) ?? 0)
    }

    public func sample(rows target: Int, seed: UInt64, declared: [String: ColumnKind]) throws(TabularError) -> (table: Table, of: Int) {
        let total = try countRows()
        let scale: Int64 = 1 << 40
        let threshold = total <= target ? scale : Int64(Double(scale) * Double(target) / Double(max(1, total)))
        let all = columns.map { Self.quote($0.name) }.joined(separator: ", ")
        let seedLiteral = Int64(bitPattern: seed)
        let projections = columns.map { column -> String in
            let q = Self.quote(column.name)
            switch (declared[column.name], column.kind) {
            case (.categorical?, _), (_, .time), (nil, .text): return "CAST(\(q) AS STRING) AS \(q)"
            case (.boolean?, _), (nil, .boolean): return "try_cast(\(q) AS BOOLEAN) AS \(q)"
            default: return "try_cast(\(q) AS DOUBLE) AS \(q)"
            }
        }
        // The row's hash, seeded, decides; ordered by it so the rows arrive in one order.
        let sql = """
            SELECT \(projections.joined(separator: ", ")) FROM (SELECT *, pmod(xxhash64(\(seedLiteral)L, \(all)), \(scale)) AS __mlgate_h FROM \(view)) \
            WHERE __mlgate_h < \(threshold) ORDER BY __mlgate_h
            """
        let sample: Table
        do { sample = try session.sqlTable(sql, what: "sampling \(label)", source: label) } catch { throw .remote(source: label, reason: error.description) }
        lock.withLock { lastSample = (sample.rowCount, total) }
        return (sample, total)
    }
}
