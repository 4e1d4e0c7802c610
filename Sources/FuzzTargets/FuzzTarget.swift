import Engine
import PluginRegistry
@_spi(Chunking) import Tabular

/// What the fuzzer feeds arbitrary bytes to (`scripts/fuzz.sh`), and what the regression tests
/// replay the corpus through. A target traps when an invariant breaks, which libFuzzer records as
/// a crash; errors the readers throw are the expected answer to bad input.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case csv, tsv, jsonl, config, gzip, parquet

    public func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        switch self {
        case .csv: Self.delimited(bytes, format: .csv)
        case .tsv: Self.delimited(bytes, format: .tsv)
        case .jsonl: Self.jsonLines(bytes)
        case .config: Self.configuration(bytes)
        case .gzip: Self.compressed(bytes)
        case .parquet: Self.parquet(bytes)
        }
    }

    /// What a Parquet file's values may take (its row count claims, its pages' sizes): libFuzzer's
    /// RSS limit catches a reader that allocates what a footer claims without asking.
    static let parquetLimit = 16 << 20

    /// A Parquet file: a table whose every column has one value a row, or an error with a
    /// message; never a crash or a read past the bytes (the address sanitizer watches). Read on
    /// one thread and on three, which must agree.
    private static func parquet(_ bytes: UnsafeBufferPointer<UInt8>) {
        let one = outcome { () throws(TabularError) in try TableReader.read(bytes, path: "fuzz.parquet", inflateLimit: Self.parquetLimit) }
        switch one {
        case .failure(let error): requireMessage(error)
        case .success(let table):
            for column in table.columns where column.count != table.rowCount {
                fatalError("column \(column.name) has \(column.count) values for \(table.rowCount) rows")
            }
            let three = outcome { () throws(TabularError) in try TableReader.read(bytes, path: "fuzz.parquet", jobs: 3, inflateLimit: Self.parquetLimit) }
            guard case .success(let other) = three, snapshot(table) == snapshot(other) else {
                fatalError("the Parquet file reads differently on three threads")
            }
        }
    }

    /// A `.csv.gz` under a 64 KiB inflate limit: a table, or an error with a message, never more
    /// memory than the limit allows for (libFuzzer's RSS limit catches a reader that ignores it).
    static let inflateLimit = 64 << 10

    private static func compressed(_ bytes: UnsafeBufferPointer<UInt8>) {
        let result = outcome { () throws(TabularError) in try TableReader.read(bytes, path: "fuzz.csv.gz", inflateLimit: inflateLimit) }
        switch result {
        case .failure(let error): requireMessage(error)
        case .success(let table):
            // What parsed fit under the limit.
            let cells = table.rowCount * max(1, table.columns.count)
            if cells > inflateLimit { fatalError("a table of \(cells) cells came out of at most \(inflateLimit) inflated bytes") }
        }
    }

    public func run(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { run($0) }
    }

    /// The file read whole on one thread and cut into 64-byte chunks on three threads must give
    /// the same table or the same error: chunk joins are where a parallel parser goes wrong.
    private static func delimited(_ bytes: UnsafeBufferPointer<UInt8>, format: TableReader.Format) {
        let whole = outcome { () throws(TabularError) in try TableReader.read(bytes, path: "fuzz.\(format.rawValue)") }
        if case .failure(let error) = whole { requireMessage(error) }
        guard !isGzip(bytes), case .success(let table) = whole else { return }
        let chunked = outcome { () throws(TabularError) in
            try TableReader.readDelimited(bytes, format: format, chunkSize: 64, jobs: 3)
        }
        switch chunked {
        case .success(let other):
            let a = snapshot(table), b = snapshot(other)
            if a != b { fatalError("chunked parse differs from whole parse:\n\(a)\n---\n\(b)") }
        case .failure(let error):
            fatalError("the whole file parsed but its 64-byte chunks did not: \(error)")
        }
    }

    private static func jsonLines(_ bytes: UnsafeBufferPointer<UInt8>) {
        let first = outcome { () throws(TabularError) in try TableReader.read(bytes, path: "fuzz.jsonl") }
        switch first {
        case .failure(let error): requireMessage(error)
        case .success(let table):
            let again = outcome { () throws(TabularError) in try TableReader.read(bytes, path: "fuzz.jsonl", jobs: 2) }
            guard case .success(let other) = again, snapshot(other) == snapshot(table) else {
                fatalError("JSON Lines parse is not repeatable")
            }
        }
    }

    private static func configuration(_ bytes: UnsafeBufferPointer<UInt8>) {
        let text = String(decoding: bytes, as: UTF8.self)
        do {
            _ = try ConfigurationLoader.load(text, file: "mlgate.yml", plugins: PluginRegistry.all)
        } catch {
            if error.description.isEmpty { fatalError("a configuration error without a message") }
            if !error.description.hasPrefix("mlgate.yml") { fatalError("a configuration error that does not name the file: \(error)") }
        }
    }

    private static func outcome(_ body: () throws(TabularError) -> Table) -> Result<Table, TabularError> {
        do throws(TabularError) { return .success(try body()) } catch { return .failure(error) }
    }

    private static func requireMessage(_ error: TabularError) {
        if !error.description.contains("fuzz.") { fatalError("an error that does not name the file: \(error)") }
    }

    private static func isGzip(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// Everything a table says about its columns and cells, as text to compare.
    static func snapshot(_ table: Table) -> [String] {
        ["rows:\(table.rowCount)"] + table.columns.map { column in
            "\(column.name):\(column.kind):\(column.nullCount):\(column.invalidCount):\(column.firstInvalid?.line ?? 0):"
                + (0..<column.count).map { column.text(at: $0) }.joined(separator: "\u{1F}")
        }
    }
}
