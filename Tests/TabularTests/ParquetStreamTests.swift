import Foundation
import Testing
@testable import Tabular

/// A Parquet file too large to read whole is read a few row groups at a time: the batches
/// joined are the file read whole, and the streaming profile and sample are built from them.
@Suite struct ParquetStreamTests {
    static let files = ["pyarrow-many-row-groups.parquet", "pyarrow-empty-row-group.parquet", "polars-zstd.parquet",
                        "pyarrow-snappy-v2-dictionary.parquet", "pyarrow-gzip-v1-plain.parquet"]

    static func path(_ name: String) -> String { ParquetReaderTests.directory.appendingPathComponent(name).path }

    /// Every column as text, row by row, with its kind: what two reads must agree on.
    static func cells(_ table: Table) -> [String: (ColumnKind, [String])] {
        Dictionary(uniqueKeysWithValues: table.columns.map { column in
            (column.name, (column.kind, (0..<column.count).map { column.text(at: $0) }))
        })
    }

    @Test(arguments: files, [1, 1 << 20])
    func batchesJoinedAreTheFileReadWhole(_ file: String, batchBytes: Int) throws {
        let whole = try TableReader.read(try ParquetReaderTests.bytes(file), path: file, jobs: 2)
        let stream = try ParquetStream(path: Self.path(file), source: file, batchBytes: batchBytes, rowGroupLimit: 1 << 30)
        #expect(stream.rows == whole.rowCount && stream.columnNames == whole.columnNames)
        if batchBytes == 1 { #expect(stream.batches.allSatisfy { $0.count == 1 }) }
        let parts = try stream.batches.indices.map { try stream.read(batch: $0, jobs: 3) }
        let joined = Table.stacking(parts, source: file)
        #expect(joined.rowCount == whole.rowCount)
        let a = Self.cells(whole), b = Self.cells(joined)
        for (name, (kind, values)) in a {
            #expect(b[name]?.0 == kind, "\(file) \(name)")
            #expect(b[name]?.1 == values, "\(file) \(name)")
            #expect(joined.column(name)?.nullCount == whole.column(name)?.nullCount)
            // Levels in first-seen order over the whole file, as one read numbers them.
            #expect(joined.column(name)?.categorical?.levels == whole.column(name)?.categorical?.levels, "\(file) \(name)")
        }
    }

    @Test(arguments: files)
    func theStreamingProfileCountsWhatTheFileHolds(_ file: String) throws {
        let whole = try TableReader.read(try ParquetReaderTests.bytes(file), path: file)
        var options = StreamingProfiler.Options()
        options.hashColumns = whole.columnNames
        let profile = try StreamingProfiler.profile(path: Self.path(file), format: .parquet, jobs: 2, options: options, source: file)
        #expect(profile.rows == whole.rowCount)
        #expect(profile.rowHashes == RowHashing.hashes(whole, columns: whole.columnNames))
        for column in whole.columns {
            let summary = try #require(profile.column(column.name))
            #expect(summary.kind == column.kind && summary.nulls == column.nullCount, "\(file) \(column.name)")
            switch column.storage {
            case .numeric(let values):
                let present = values.filter { !$0.isNaN }
                #expect(summary.count == present.count)
                if let low = present.min(), let high = present.max() { #expect(summary.min == low && summary.max == high, "\(file) \(column.name)") }
            case .categorical(let codes, let levels):
                var counts = [Int](repeating: 0, count: levels.count)
                for code in codes where code >= 0 { counts[Int(code)] += 1 }
                #expect(summary.categoryCounts.map(\.level) == levels, "\(file) \(column.name)")
                #expect(summary.categoryCounts.map(\.count) == counts, "\(file) \(column.name)")
            }
        }
    }

    /// The sample is the same on any number of threads, holds rows of the file, and is the
    /// whole file when the target is at least its rows.
    @Test func theSampleIsSeededAndMadeOfTheFilesRows() throws {
        let file = "pyarrow-many-row-groups.parquet"
        let whole = try TableReader.read(try ParquetReaderTests.bytes(file), path: file)
        let rows = Set(RowHashing.hashes(whole, columns: whole.columnNames))
        let one = try StreamingSampler.sample(path: Self.path(file), format: .parquet, rows: 60, seed: 7, source: file, jobs: 1)
        let three = try StreamingSampler.sample(path: Self.path(file), format: .parquet, rows: 60, seed: 7, source: file, jobs: 3)
        let other = try StreamingSampler.sample(path: Self.path(file), format: .parquet, rows: 60, seed: 8, source: file, jobs: 1)
        #expect(one.fileRows == whole.rowCount)
        let a = RowHashing.hashes(one.table, columns: whole.columnNames)
        #expect(a == RowHashing.hashes(three.table, columns: whole.columnNames))
        #expect(a != RowHashing.hashes(other.table, columns: whole.columnNames))
        #expect(a.allSatisfy(rows.contains))
        #expect(one.table.rowCount > 20 && one.table.rowCount < 110, "\(one.table.rowCount)")
        let all = try StreamingSampler.sample(path: Self.path(file), format: .parquet, rows: 1_000, seed: 7, source: file)
        #expect(Self.cells(all.table).mapValues(\.1) == Self.cells(whole).mapValues(\.1))
    }

    /// A Parquet file streams by what it and its columns take once read, not by its size on
    /// disk (compressed columns take many times the file); a row group may always take 64 MiB.
    @Test func theBudgetWeighsAParquetFileByItsColumns() throws {
        let budget = MemoryBudget(available: 900 << 20)
        #expect(!budget.shouldStream(parquetBytes: 100 << 20, decodedBytes: 400 << 20))
        #expect(budget.shouldStream(parquetBytes: 100 << 20, decodedBytes: 550 << 20))
        #expect(budget.shouldStream(parquetBytes: .max, decodedBytes: .max))
        #expect(budget.chunkLimit == 450 << 20 && MemoryBudget(available: 24 << 10).chunkLimit == 64 << 20)
        let stream = try ParquetStream(path: Self.path("pyarrow-many-row-groups.parquet"), source: "t.parquet", rowGroupLimit: .max)
        #expect(stream.decodedBytes == stream.rows * stream.columnNames.count * 8 && stream.rows == 160)
    }

    @Test func aRowGroupLargerThanTheRunMayUseIsRefusedWithTheFix() throws {
        let file = "pyarrow-many-row-groups.parquet"
        #expect {
            try ParquetStream(path: Self.path(file), source: "data/train.parquet", rowGroupLimit: 64)
        } throws: { error in
            "\(error)".contains("data/train.parquet") && "\(error)".contains("row_group_size")
        }
    }

    /// A file cut short or damaged is an error naming it when streamed too, never a crash.
    @Test func aDamagedFileIsAnErrorWhenStreamed() throws {
        let bytes = try ParquetReaderTests.bytes("pyarrow-many-row-groups.parquet")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pq-stream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for trial in 0..<60 {
            var damaged = bytes
            if trial < 10 {
                damaged = Array(bytes.prefix(bytes.count * trial / 10))
            } else {
                for _ in 0..<4 {
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    damaged[Int(state >> 33) % damaged.count] ^= UInt8(truncatingIfNeeded: state >> 20) | 1
                }
            }
            let path = directory.appendingPathComponent("\(trial).parquet").path
            try Data(damaged).write(to: URL(fileURLWithPath: path))
            do {
                _ = try StreamingProfiler.profile(path: path, format: .parquet, jobs: 2, source: "t.parquet")
            } catch {
                #expect("\(error)".contains("t.parquet"))
            }
        }
    }
}
