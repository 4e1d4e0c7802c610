#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads CSV (RFC 4180) and TSV: quoted fields with embedded delimiters, newlines and doubled
/// quotes; LF, CRLF or CR line ends; a UTF-8 byte-order mark; blank lines skipped (as pandas).
struct DelimitedReader {
    let file: String
    let delimiter: UInt8
    var declared: [String: ColumnKind]
    /// Bytes per chunk; tests make it tiny to exercise chunk joins on small files.
    var chunkSize = DelimitedReader.chunkSize

    private static var quote: UInt8 { 0x22 }

    /// Bytes per chunk that threads parse independently. Boundaries depend on this alone,
    /// never on the thread count, so results are identical for any `jobs`.
    static let chunkSize = 4 << 20

    func read(_ bytes: UnsafeBufferPointer<UInt8>, jobs: Int = 1) throws(TabularError) -> Table {
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        var cursor = Cursor(bytes: bytes, position: start)
        // The header is validated here; each chunk validates its own bytes on its own thread
        // (chunks start after a newline, so never inside a UTF-8 sequence).
        let headerEnd = bytes[start...].firstIndex(of: 0x0A).map { $0 + 1 } ?? bytes.count
        try validateUTF8(UnsafeBufferPointer(rebasing: bytes[0..<headerEnd]), lineOffset: 0)
        let header = try readHeader(&cursor)
        guard !header.isEmpty else { throw .empty(file: file) }
        let headerLines = cursor.line - 1
        if cursor.position > headerEnd {
            // A quoted header spanning lines: validate what it covered.
            try validateUTF8(UnsafeBufferPointer(rebasing: bytes[0..<cursor.position]), lineOffset: 0)
        }

        let (table, _, demoted) = try readBody(bytes, from: cursor.position, header: header, lineOffset: headerLines, jobs: jobs)
        guard !demoted.isEmpty else { return table }
        // A column that turned out to hold text after numbers spelled those numbers in shortest
        // form (`007` as `7`, `TRUE` as `true`); read again with it declared categorical, every
        // value keeps its spelling. Mixed columns are rare, so the second pass is too.
        var reread = self
        for column in demoted { reread.declared[header[column]] = .categorical }
        return try reread.readBody(bytes, from: cursor.position, header: header, lineOffset: headerLines, jobs: jobs).table
    }

    /// Parses the records of `bytes[body...]` in chunks on up to `jobs` threads.
    /// - Returns: the table, the number of physical lines the records took and the columns whose
    ///   numbers were turned into text.
    private func readBody(_ bytes: UnsafeBufferPointer<UInt8>, from body: Int, header: [String], lineOffset: Int,
                          jobs: Int) throws(TabularError) -> (table: Table, lines: Int, demoted: [Int]) {
        let ranges = Self.chunks(bytes, from: body, target: chunkSize, delimiter: delimiter)
        let shared = SharedBytes(buffer: bytes)
        // Rows to reserve: the first chunk's density times the body's size, a little over.
        let sample = UnsafeBufferPointer(rebasing: bytes[ranges[0]])
        let perByte = Double(Self.countLines(sample) + 1) / Double(max(1, sample.count))
        let expectedRows = Int(perByte * Double(bytes.count - body) * 1.02) + 16
        var columns = header.map { ColumnBuilder(declared: declared[$0], expectedRows: expectedRows) }
        var lines = lineOffset
        var rowCount = 0
        // Chunks are parsed a wave of `jobs` at a time and joined at once, so their buffers are
        // reused by the next wave instead of the whole file existing twice in fresh memory.
        for waveStart in stride(from: 0, to: ranges.count, by: max(1, jobs)) {
            let wave = Array(ranges[waveStart..<min(ranges.count, waveStart + max(1, jobs))])
            let parts: [Result<Chunk, TabularError>] = Parallel.map(wave.count, jobs: jobs) { i in
                do throws(TabularError) {
                    return .success(try parse(shared.buffer, range: wave[i], header: header))
                } catch {
                    return .failure(error)
                }
            }
            var chunks: [Chunk] = []
            var offsets: [Int] = []
            for part in parts {
                switch part {
                case .success(let chunk):
                    chunks.append(chunk)
                    offsets.append(lines)
                    lines += chunk.lines
                    rowCount += chunk.rows
                case .failure(let error):
                    throw error.shiftingLines(by: lines)
                }
            }
            // Each column joins its chunks on its own thread: the copies fault in the final
            // arrays' pages, which is as costly as parsing.
            let wavesChunks = chunks, waveOffsets = offsets
            columns.withUnsafeMutableBufferPointer { buffer in
                let target = SharedBuffer(buffer)
                _ = Parallel.map(buffer.count, jobs: jobs) { c in
                    for (k, chunk) in wavesChunks.enumerated() { target.buffer[c].append(chunk.builders[c], lineOffset: waveOffsets[k]) }
                    return true
                }
            }
        }
        let finished = zip(header, columns).map { $1.finish(name: $0, rowCount: rowCount) }
        let demoted = columns.indices.filter { columns[$0].demoted }
        return (Table(source: file, columns: finished, rowCount: rowCount), lines - lineOffset, demoted)
    }

    private func validateUTF8(_ bytes: UnsafeBufferPointer<UInt8>, lineOffset: Int) throws(TabularError) {
        if let bad = UTF8Validation.firstInvalidOffset(bytes) {
            let at = UTF8Validation.position(of: bad, in: bytes)
            throw .invalidUTF8(file: file, line: at.line + lineOffset, column: at.column)
        }
    }

    /// Parses the header line at the start of `bytes`, returning the names and where records begin.
    func readHeader(_ bytes: UnsafeBufferPointer<UInt8>) throws(TabularError) -> (names: [String], bodyStart: Int, lines: Int) {
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        var cursor = Cursor(bytes: bytes, position: start)
        let names = try readHeader(&cursor)
        guard !names.isEmpty else { throw .empty(file: file) }
        try validateUTF8(UnsafeBufferPointer(rebasing: bytes[0..<cursor.position]), lineOffset: 0)
        return (names, cursor.position, cursor.line - 1)
    }

    /// Parses complete records (no header) into a table with the given column names, in
    /// chunks on up to `jobs` threads.
    /// - Parameter lineOffset: lines before these bytes, so that messages name absolute lines.
    func readRecords(_ bytes: UnsafeBufferPointer<UInt8>, header: [String], lineOffset: Int,
                     jobs: Int = 1) throws(TabularError) -> (table: Table, lines: Int) {
        let (table, lines, _) = try readBody(bytes, from: 0, header: header, lineOffset: lineOffset, jobs: jobs)
        return (table, lines)
    }

    /// The offset just past the last complete record in `bytes` (which starts at a record),
    /// or nil when no record ends in them.
    func lastRecordEnd(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        // Without a quote, the last line end (LF, or CR in old Mac files) ends the last record:
        // found from the end. A CRLF cut between its CR and LF leaves a blank line, which the
        // parser skips.
        if memchr(base, 0x22, bytes.count) == nil {
            var i = bytes.count
            while i > 0, bytes[i - 1] != 0x0A, bytes[i - 1] != 0x0D { i -= 1 }
            return i > 0 ? i : nil
        }
        var scanner = RecordScanner(delimiter: delimiter)
        var last: Int?
        for i in 0..<bytes.count where scanner.endsRecord(bytes[i]) { last = i + 1 }
        return last
    }

    /// The file's bytes, shared read-only with the threads that parse its chunks; they outlive
    /// every chunk's parse.
    private struct SharedBytes: @unchecked Sendable {
        let buffer: UnsafeBufferPointer<UInt8>
    }

    /// One chunk's columns, with the rows and the physical lines it held.
    struct Chunk: @unchecked Sendable {
        var builders: [ColumnBuilder]
        var rows: Int
        var lines: Int
    }

    /// Parses the records in `range`; lines in errors count from the chunk's first line.
    private func parse(_ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, header: [String]) throws(TabularError) -> Chunk {
        let chunk = UnsafeBufferPointer(rebasing: bytes[range])
        try validateUTF8(chunk, lineOffset: 0)
        var cursor = Cursor(bytes: chunk, position: 0)
        let expectedRows = Self.countLines(chunk) + 1
        let width = header.count
        var builders = header.map { ColumnBuilder(declared: declared[$0], expectedRows: expectedRows) }
        var scratch: [UInt8] = []
        var rowCount = 0
        try builders.withUnsafeMutableBufferPointer { builders throws(TabularError) in
            while !cursor.atEnd {
                let rowLine = cursor.line
                if cursor.atLineEnd { cursor.skipLineEnd(); continue }   // blank line
                var field = 0
                while true {
                    let value = try readField(&cursor, scratch: &scratch)
                    guard field < width else {
                        throw .raggedRow(file: file, line: rowLine, expected: width, found: field + 1 + cursor.countRemainingFields(delimiter))
                    }
                    switch value {
                    case .span(let p, let n):
                        guard n <= Limits.fieldBytes else { throw Limits.longField(file: file, line: rowLine, field: field + 1, bytes: n) }
                        builders[field].appendText(p, n, line: rowLine)
                    case .scratch:
                        guard scratch.count <= Limits.fieldBytes else { throw Limits.longField(file: file, line: rowLine, field: field + 1, bytes: scratch.count) }
                        scratch.withUnsafeBufferPointer { buffer in
                            builders[field].appendText(buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!, buffer.count, line: rowLine)
                        }
                    }
                    field += 1
                    if !cursor.atEnd, cursor.current == delimiter {
                        cursor.advance()
                        if cursor.atEnd || cursor.atLineEnd {
                            // A trailing delimiter: one more (empty) field before the line ends.
                            guard field < width else { throw .raggedRow(file: file, line: rowLine, expected: width, found: field + 1) }
                            builders[field].appendMissing()
                            field += 1
                            break
                        }
                        continue
                    }
                    break
                }
                guard field == width else { throw .raggedRow(file: file, line: rowLine, expected: width, found: field) }
                cursor.skipLineEnd()
                rowCount += 1
            }
        }
        // A file that ends without a newline still ends its last line.
        let lines = cursor.line - 1 + (cursor.position > cursor.lineStart ? 1 : 0)
        return Chunk(builders: builders, rows: rowCount, lines: lines)
    }

    /// Splits `bytes[start...]` into ranges of about `target` bytes that each begin at a record.
    ///
    /// Without quotes in the data, any newline ends a record. With quotes, a newline may sit
    /// inside a field, so one pass tracks whether each byte is inside quotes (a doubled quote
    /// toggles twice, which RFC 4180 makes exact).
    static func chunks(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, target: Int, delimiter: UInt8) -> [Range<Int>] {
        let end = bytes.count
        guard end - start > target else { return [start..<end] }
        let base = bytes.baseAddress!
        let quoted = memchr(base + start, Int32(UInt8(ascii: "\"")), end - start) != nil
        var ranges: [Range<Int>] = []
        var chunkStart = start
        if !quoted {
            while end - chunkStart > target {
                let probe = chunkStart + target
                guard let newline = memchr(base + probe, 0x0A, end - probe) else { break }
                let next = base.distance(to: newline.assumingMemoryBound(to: UInt8.self)) + 1
                ranges.append(chunkStart..<next)
                chunkStart = next
            }
        } else {
            var scanner = RecordScanner(delimiter: delimiter)
            for i in start..<end where scanner.endsRecord(bytes[i]) && i + 1 - chunkStart >= target {
                ranges.append(chunkStart..<(i + 1))
                chunkStart = i + 1
            }
        }
        if chunkStart < end || ranges.isEmpty { ranges.append(chunkStart..<end) }
        return ranges
    }

    /// Follows quoting byte by byte as the parser does, to find where records end without
    /// parsing them: a quote opens a quoted field only at the start of a field (elsewhere it is a
    /// literal character, as pandas reads `5'11"`), and inside one, `""` is a quote.
    struct RecordScanner {
        private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }
        private var state = State.fieldStart
        let delimiter: UInt8

        init(delimiter: UInt8) { self.delimiter = delimiter }

        /// Whether `byte` is a newline that ends a record.
        @inline(__always)
        mutating func endsRecord(_ byte: UInt8) -> Bool {
            switch state {
            case .quoted:
                if byte == 0x22 { state = .quoteInQuoted }
                return false
            case .quoteInQuoted where byte == 0x22:
                state = .quoted
                return false
            case .fieldStart where byte == 0x22:
                state = .quoted
                return false
            default:
                if byte == delimiter || byte == 0x0D { state = .fieldStart; return false }
                if byte == 0x0A { state = .fieldStart; return true }
                state = .unquoted
                return false
            }
        }
    }

    // MARK: Fields

    private enum Field {
        case span(UnsafePointer<UInt8>, Int)
        /// The field had doubled quotes: its unescaped bytes are in the scratch buffer.
        case scratch
    }

    private func readField(_ cursor: inout Cursor, scratch: inout [UInt8]) throws(TabularError) -> Field {
        let base = cursor.bytes.baseAddress!
        guard !cursor.atEnd, cursor.current == Self.quote else {
            let begin = cursor.position
            let end = cursor.scanUnquoted(delimiter)
            return .span(base + begin, end - begin)
        }
        let openLine = cursor.line
        cursor.advance()
        let begin = cursor.position
        var escaped = false
        while true {
            guard let closing = cursor.scanToQuote() else { throw .unterminatedQuote(file: file, line: openLine) }
            cursor.position = closing + 1
            if !cursor.atEnd, cursor.current == Self.quote {
                // A doubled quote: keep one, continue the field.
                if !escaped { scratch.removeAll(keepingCapacity: true); escaped = true }
                scratch.append(contentsOf: UnsafeBufferPointer(start: base + begin, count: closing + 1 - begin))
                cursor.advance()
                return try continueEscaped(&cursor, scratch: &scratch, openLine: openLine)
            }
            break
        }
        let end = cursor.position - 1
        try expectFieldEnd(cursor)
        return .span(base + begin, end - begin)
    }

    private func continueEscaped(_ cursor: inout Cursor, scratch: inout [UInt8], openLine: Int) throws(TabularError) -> Field {
        let base = cursor.bytes.baseAddress!
        while true {
            let begin = cursor.position
            guard let closing = cursor.scanToQuote() else { throw .unterminatedQuote(file: file, line: openLine) }
            cursor.position = closing + 1
            if !cursor.atEnd, cursor.current == Self.quote {
                scratch.append(contentsOf: UnsafeBufferPointer(start: base + begin, count: closing + 1 - begin))
                cursor.advance()
                continue
            }
            scratch.append(contentsOf: UnsafeBufferPointer(start: base + begin, count: closing - begin))
            try expectFieldEnd(cursor)
            return .scratch
        }
    }

    private func expectFieldEnd(_ cursor: Cursor) throws(TabularError) {
        guard cursor.atEnd || cursor.current == delimiter || cursor.atLineEnd else {
            throw .strayQuote(file: file, line: cursor.line, column: cursor.columnInLine)
        }
    }

    fileprivate func readHeader(_ cursor: inout Cursor) throws(TabularError) -> [String] {
        while !cursor.atEnd, cursor.atLineEnd { cursor.skipLineEnd() }
        guard !cursor.atEnd else { return [] }
        var names: [String] = []
        var scratch: [UInt8] = []
        while true {
            switch try readField(&cursor, scratch: &scratch) {
            case .span(let p, let n): names.append(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
            case .scratch: names.append(String(decoding: scratch, as: UTF8.self))
            }
            if !cursor.atEnd, cursor.current == delimiter { cursor.advance(); continue }
            break
        }
        cursor.skipLineEnd()
        guard names.count <= Limits.columns else {
            throw .tooLarge(file: file, reason: "the header has \(names.count) columns; mlgate reads at most \(Limits.columns) (a table that wide is rarely a training set: check the delimiter)")
        }
        var seen = Set<String>()
        for (index, name) in names.enumerated() {
            if name.isEmpty { names[index] = "unnamed column \(index + 1)" }
            guard seen.insert(names[index]).inserted else { throw .duplicateColumn(file: file, name: names[index]) }
        }
        return names
    }

    static func countLines(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard var p = bytes.baseAddress else { return 0 }
        let end = p + bytes.count
        var lines = 0
        while p < end, let hit = memchr(p, 0x0A, end - p) {
            lines += 1
            p = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) + 1
        }
        return lines
    }
}

/// A position in the bytes being read, with the physical line it is on.
private struct Cursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int
    var line = 1
    var lineStart = 0

    init(bytes: UnsafeBufferPointer<UInt8>, position: Int) {
        self.bytes = bytes
        self.position = position
    }

    var atEnd: Bool { position >= bytes.count }
    var current: UInt8 { bytes[position] }
    var atLineEnd: Bool { let b = bytes[position]; return b == 0x0A || b == 0x0D }
    var columnInLine: Int { position - lineStart + 1 }

    mutating func advance() { position += 1 }

    mutating func skipLineEnd() {
        guard !atEnd else { return }
        if bytes[position] == 0x0D { position += 1 }
        if !atEnd, bytes[position] == 0x0A { position += 1 }
        line += 1
        lineStart = position
    }

    /// Moves to the next delimiter or line end and returns where the field ends.
    mutating func scanUnquoted(_ delimiter: UInt8) -> Int {
        var i = position
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b == delimiter || b == 0x0A || b == 0x0D { break }
            i += 1
        }
        position = i
        return i
    }

    /// The offset of the next quote at or after `position`, counting the newlines passed.
    mutating func scanToQuote() -> Int? {
        var i = position
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b == 0x22 { return i }
            if b == 0x0A { line += 1; lineStart = i + 1 }
            i += 1
        }
        return nil
    }

    /// How many more fields the current line holds (for the ragged-row message only).
    func countRemainingFields(_ delimiter: UInt8) -> Int {
        var copy = self
        var fields = 0
        while !copy.atEnd, copy.current == delimiter {
            copy.advance()
            _ = copy.scanUnquoted(delimiter)
            fields += 1
        }
        return fields
    }
}
