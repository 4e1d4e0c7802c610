/// Reads CSV (RFC 4180) and TSV: quoted fields with embedded delimiters, newlines and doubled
/// quotes; LF, CRLF or CR line ends; a UTF-8 byte-order mark; blank lines skipped (as pandas).
struct DelimitedReader {
    let file: String
    let delimiter: UInt8
    let declared: [String: ColumnKind]

    private static let quote = UInt8(ascii: "\"")
    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")

    func read(_ bytes: UnsafeBufferPointer<UInt8>) throws(TabularError) -> Table {
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        if let bad = UTF8Validation.firstInvalidOffset(bytes) {
            let at = UTF8Validation.position(of: bad, in: bytes)
            throw .invalidUTF8(file: file, line: at.line, column: at.column)
        }
        var cursor = Cursor(bytes: bytes, position: start)
        let header = try readHeader(&cursor)
        guard !header.isEmpty else { throw .empty(file: file) }

        let expectedRows = Self.countLines(bytes)
        var builders = header.map { ColumnBuilder(declared: declared[$0], expectedRows: expectedRows) }
        var scratch: [UInt8] = []
        var rowCount = 0
        let width = header.count

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
                case .span(let p, let n): builders[field].appendText(p, n, line: rowLine)
                case .scratch:
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
        let columns = zip(header, builders).map { $1.finish(name: $0, rowCount: rowCount) }
        return Table(source: file, columns: columns, rowCount: rowCount)
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

    private func readHeader(_ cursor: inout Cursor) throws(TabularError) -> [String] {
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
        var seen = Set<String>()
        for (index, name) in names.enumerated() {
            if name.isEmpty { names[index] = "column_\(index + 1)" }
            guard seen.insert(names[index]).inserted else { throw .duplicateColumn(file: file, name: names[index]) }
        }
        return names
    }

    static func countLines(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var lines = 0
        for b in bytes where b == lf { lines += 1 }
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
