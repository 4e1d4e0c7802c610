import Foundation
import Testing
@testable import Tabular

/// Parquet files written by pyarrow, polars and DuckDB, read as pyarrow reads them (DuckDB's as
/// DuckDB reads them back: pyarrow 22 cannot read its V2 writer's INT32 delta pages): every codec,
/// page version, encoding and type in `Reference/make_parquet_reference.py`, on one thread and three.
@Suite struct ParquetReaderTests {
    enum Cell: Decodable, Equatable {
        case number(Double), text(String)
        init(from decoder: Decoder) throws {
            let single = try decoder.singleValueContainer()
            if let v = try? single.decode(Double.self) { self = .number(v) } else { self = .text(try single.decode(String.self)) }
        }
    }

    struct ExpectedColumn: Decodable {
        let kind: String
        let values: [Cell?]
    }

    struct Reference: Decodable {
        let tables: [String: [String: ExpectedColumn]]
        let files: [String: String]
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference/parquet")
    static let reference = try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: directory.appendingPathComponent("expected.json")))

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    @Test(arguments: reference.files.keys.sorted())
    func readsAsPyarrowDoes(_ file: String) throws {
        let expected = try #require(Self.reference.tables[Self.reference.files[file]!])
        let bytes = try Self.bytes(file)
        for jobs in [1, 3] {
            let table = try TableReader.read(bytes, path: file, jobs: jobs)
            #expect(Set(table.columnNames) == Set(expected.keys), "\(file)")
            for (name, want) in expected {
                let column = try #require(table.column(name), "\(file): \(name)")
                #expect(column.kind.rawValue == want.kind, "\(file): \(name) is \(column.kind), pyarrow's is \(want.kind)")
                #expect(column.count == want.values.count)
                var nulls = 0, mismatches: [String] = []
                for (row, cell) in want.values.enumerated() where row < column.count {
                    let got = column.text(at: row)
                    switch cell {
                    case nil:
                        nulls += 1
                        if !got.isEmpty { mismatches.append("row \(row): \(got) for a missing value") }
                    case .number(let v)?:
                        let value = column.numericValues?[row] ?? .nan
                        if value != v { mismatches.append("row \(row): \(value) for \(v)") }
                    case .text(let text)?:
                        if got != text { mismatches.append("row \(row): '\(got)' for '\(text)'") }
                    }
                }
                #expect(mismatches.isEmpty, "\(file) \(name) (jobs \(jobs)): \(mismatches.prefix(3).joined(separator: "; "))")
                #expect(column.nullCount == nulls, "\(file) \(name): \(column.nullCount) missing, pyarrow \(nulls)")
            }
        }
    }

    /// Categories are numbered in first-seen row order across row groups, as a CSV's are.
    @Test func levelsFollowRowOrderAcrossRowGroups() throws {
        let table = try TableReader.read(try Self.bytes("pyarrow-many-row-groups.parquet"), path: "t.parquet", jobs: 2)
        let word = try #require(table.column("word")?.categorical)
        var seen: [Int32] = []
        for code in word.codes where code >= 0 && !seen.contains(code) { seen.append(code) }
        #expect(seen == (0..<Int32(word.levels.count)).map { $0 })
    }

    @Test func declaredTypesWinAsForCSV() throws {
        let bytes = try Self.bytes("pyarrow-snappy-v1-dictionary.parquet")
        let table = try TableReader.read(bytes, path: "t.parquet", declared: ["small": .categorical, "blob": .numeric])
        let small = try #require(table.column("small"))
        #expect(small.kind == .categorical && Set(small.categorical!.levels).isSubset(of: ["0", "1", "2", "3", "4"]))
        let blob = try #require(table.column("blob"))
        // "id-123" is not a number: every present value is counted invalid, the first named.
        #expect(blob.kind == .numeric && blob.invalidCount == blob.count - blob.nullCount && blob.firstInvalid?.value.hasPrefix("id-") == true)
    }

    @Test func aNestedColumnIsRefusedByName() throws {
        let bytes = try Self.bytes("nested-list.parquet")
        #expect { try TableReader.read(bytes, path: "data/train.parquet") } throws: { error in
            "\(error)".contains("column 'tags' is nested") && "\(error)".contains("data/train.parquet")
        }
        // Reading only the flat columns is fine.
        let table = try bytes.withUnsafeBufferPointer { try ParquetReader(file: "t.parquet", only: ["id"]).read($0) }
        #expect(table.columnNames == ["id"] && table.rowCount == 2)
    }

    /// Damage of every kind is an error naming the file, never a crash or a read out of bounds:
    /// cut at many lengths, bytes flipped all over (footer, page headers, page bodies).
    @Test(arguments: ["pyarrow-snappy-v2-dictionary.parquet", "pyarrow-zstd-v2-delta.parquet", "pyarrow-none-v1-plain.parquet",
                      "pyarrow-gzip-v1-dictionary.parquet", "pyarrow-lz4-v2-plain.parquet"])
    func damageIsAnErrorNeverACrash(_ file: String) throws {
        let bytes = try Self.bytes(file)
        for length in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 60)) {
            #expect(throws: TabularError.self) { try TableReader.read(Array(bytes.prefix(length)), path: "cut.parquet") }
        }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        for _ in 0..<400 {
            var damaged = bytes
            for _ in 0..<Int(next() % 4 + 1) {
                let at = Int(next() % UInt64(bytes.count))
                damaged[at] = UInt8(truncatingIfNeeded: next())
            }
            do {
                let table = try TableReader.read(damaged, path: "damaged.parquet", jobs: 2)
                for column in table.columns { #expect(column.count == table.rowCount) }
            } catch {
                #expect("\(error)".hasPrefix("damaged.parquet: "), "\(error)")
            }
        }
    }

    @Test func whatIsWrongIsSaid() throws {
        let bytes = try Self.bytes("pyarrow-none-v1-plain.parquet")
        func message(_ data: [UInt8]) -> String {
            do { _ = try TableReader.read(data, path: "f.parquet"); return "read" } catch { return "\(error)" }
        }
        #expect(message(Array("PAR1 not really".utf8)).contains("must start and end with PAR1"))
        var long = bytes
        let end = long.count - 8
        long[end] = 0xFF; long[end + 1] = 0xFF; long[end + 2] = 0xFF; long[end + 3] = 0x0F
        #expect(message(long).contains("the footer claims"))
        #expect(message(Array(bytes.prefix(bytes.count - 1))).contains("PAR1"))
    }
}
