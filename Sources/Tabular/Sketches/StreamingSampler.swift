#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A seeded sample of the records of a delimited file too large to read whole, in one pass
/// over fixed-size windows: what a model trains on when the data exceed the memory budget.
///
/// Each record is kept with probability `rows / estimated rows`, decided by a seeded hash of
/// its text, so the sample depends on neither windows nor threads, and a record is sampled or
/// not whatever rows a PR adds, removes or reorders around it (a hash of its position moved
/// every later record's coin). Labels are not known here (the records are not parsed); the
/// training core stratifies this sample by label. A Parquet file's rows have no text: each
/// row's coin is a seeded hash of its values (`RowHashing`), drawn a few row groups at a time.
public enum StreamingSampler {
    public struct Sample: Sendable {
        public let table: Table
        /// Records in the whole file.
        public let fileRows: Int
    }

    public static func sample(path: String, format: StreamedFormat = .delimited(UInt8(ascii: ",")), declared: [String: ColumnKind] = [:],
                              rows target: Int, seed: UInt64, source: String, jobs: Int = 1,
                              windowSize: Int = StreamingProfiler.windowSize, rowGroupLimit: Int = 1 << 30) throws(TabularError) -> Sample {
        guard case .delimited(let delimiter) = format else {
            return try sampleParquet(path: path, declared: declared, rows: target, seed: seed, source: source, jobs: jobs, rowGroupLimit: rowGroupLimit)
        }
        let file = try FileWindows(path: path, source: source, windowSize: windowSize)
        let reader = DelimitedReader(file: source, delimiter: delimiter, declared: declared)
        let (_, bodyStart, _) = try reader.readHeader(file.window)
        var kept = Array(UnsafeBufferPointer(rebasing: file.window[0..<bodyStart]))
        file.consume(bodyStart)
        let fileSize = file.fileSize
        var threshold: UInt64?
        var index = 0
        repeat {
            let window = file.window
            let atEnd = file.atEnd
            var scanner = DelimitedReader.RecordScanner(delimiter: delimiter)
            var recordStart = 0
            var blank = true
            var ends: [(start: Int, end: Int)] = []
            for i in 0..<window.count {
                let byte = window[i]
                if scanner.endsRecord(byte) {
                    if !blank { ends.append((recordStart, i + 1)) }
                    recordStart = i + 1
                    blank = true
                } else if byte != 0x0D {
                    blank = false
                }
            }
            var end = recordStart
            if atEnd, recordStart < window.count {
                if !blank { ends.append((recordStart, window.count)) }
                end = window.count
            }
            if end == 0, !atEnd {
                throw .raggedRow(file: source, line: index + 2, expected: 0, found: 0)  // a record longer than the window
            }
            if threshold == nil {
                // Rows in the file, estimated from the first window's density.
                let estimated = Double(ends.count) / Double(max(1, end)) * Double(max(fileSize - bodyStart, end))
                let p = min(1, Double(target) / max(1, estimated))
                threshold = p >= 1 ? .max : UInt64(p * 18_446_744_073_709_551_615.0)
            }
            for record in ends {
                if Self.coin(UnsafeBufferPointer(rebasing: window[record.start..<record.end]), seed: seed) <= threshold! {
                    kept.append(contentsOf: UnsafeBufferPointer(rebasing: window[record.start..<record.end]))
                    if window[record.end - 1] != 0x0A { kept.append(0x0A) }
                }
                index += 1
            }
            file.consume(end)
        } while file.advance()
        let table = try kept.withUnsafeBufferPointer { bytes throws(TabularError) in
            try reader.read(bytes, jobs: jobs)
        }
        return Sample(table: table, fileRows: index)
    }

    private static func sampleParquet(path: String, declared: [String: ColumnKind], rows target: Int, seed: UInt64, source: String,
                                      jobs: Int, rowGroupLimit: Int) throws(TabularError) -> Sample {
        let file = try ParquetStream(path: path, source: source, declared: declared, rowGroupLimit: rowGroupLimit)
        // The footer counts the rows: the probability is exact, not estimated from a first window.
        let p = min(1, Double(target) / Double(max(1, file.rows)))
        let threshold: UInt64 = p >= 1 ? .max : UInt64(p * 18_446_744_073_709_551_615.0)
        let salt = Mixing.mix64(seed ^ 0x51ED_270B_2B3E_A1F7)
        var parts: [Table] = []
        for batch in file.batches.indices {
            let table = try file.read(batch: batch, jobs: jobs)
            let hashes = RowHashing.hashes(table, columns: file.columnNames)
            var kept: [Int] = []
            for (row, hash) in hashes.enumerated() where Mixing.mix64(salt ^ hash) <= threshold { kept.append(row) }
            parts.append(kept.count == table.rowCount ? table : table.rows(kept))
        }
        return Sample(table: Table.stacking(parts, source: source), fileRows: file.rows)
    }

    /// A seeded hash of a record's bytes without its line ending, eight bytes a step.
    static func coin(_ record: UnsafeBufferPointer<UInt8>, seed: UInt64) -> UInt64 {
        var count = record.count
        while count > 0, record[count - 1] == 0x0A || record[count - 1] == 0x0D { count -= 1 }
        var h = Mixing.mix64(seed ^ 0x51ED_270B_2B3E_A1F7)
        var i = 0
        while i + 8 <= count {
            var word: UInt64 = 0
            for j in 0..<8 { word |= UInt64(record[i + j]) << (8 * UInt64(j)) }
            h = Mixing.mix64(h ^ word)
            i += 8
        }
        var tail: UInt64 = UInt64(count)
        for j in 0..<(count - i) { tail ^= UInt64(record[i + j]) << (8 * UInt64(j + 1)) }
        return Mixing.mix64(h ^ tail)
    }
}
