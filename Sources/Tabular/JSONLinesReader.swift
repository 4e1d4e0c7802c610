/// Reads JSON Lines: one flat JSON object a line. Columns are the union of the keys in
/// first-seen order; a key absent from a row is a missing value there.
struct JSONLinesReader {
    let file: String
    let declared: [String: ColumnKind]

    func read(_ bytes: UnsafeBufferPointer<UInt8>) throws(TabularError) -> Table {
        if let bad = UTF8Validation.firstInvalidOffset(bytes) {
            let at = UTF8Validation.position(of: bad, in: bytes)
            throw .invalidUTF8(file: file, line: at.line, column: at.column)
        }
        var names: [String] = []
        var indexByName: [String: Int] = [:]
        var builders: [ColumnBuilder] = []
        var seenInRow: [Bool] = []
        var rowCount = 0
        var scratch: [UInt8] = []
        var parser = Parser(bytes: bytes, file: file)
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { parser.position = 3 }

        while true {
            parser.skipBlankLines()
            if parser.atEnd { break }
            let line = parser.line
            for i in seenInRow.indices { seenInRow[i] = false }
            try parser.expect(UInt8(ascii: "{"), "expected '{'")
            parser.skipSpaces()
            var fieldIndex = 0
            if parser.peek != UInt8(ascii: "}") {
                while true {
                    parser.skipSpaces()
                    let keyStart = parser.position
                    let key = try parser.string(into: &scratch)
                    // Rows usually repeat the previous row's key order: try that slot before hashing.
                    let column: Int
                    if fieldIndex < names.count, names[fieldIndex] == key {
                        column = fieldIndex
                    } else if let known = indexByName[key] {
                        column = known
                    } else {
                        column = names.count
                        guard column < Limits.columns else {
                            throw .tooLarge(file: file, reason: "its records have more than \(Limits.columns) distinct keys; mlgate reads at most \(Limits.columns) columns")
                        }
                        names.append(key)
                        indexByName[key] = column
                        var builder = ColumnBuilder(declared: declared[key], expectedRows: 0)
                        for _ in 0..<rowCount { builder.appendMissing() }
                        builders.append(builder)
                        seenInRow.append(false)
                    }
                    guard !seenInRow[column] else { throw parser.error("key '\(key)' appears twice", at: keyStart) }
                    seenInRow[column] = true
                    parser.skipSpaces()
                    try parser.expect(UInt8(ascii: ":"), "expected ':' after a key")
                    parser.skipSpaces()
                    try parser.value(into: &builders[column], scratch: &scratch, line: line, key: key)
                    parser.skipSpaces()
                    fieldIndex += 1
                    if parser.peek == UInt8(ascii: ",") { parser.position += 1; continue }
                    break
                }
            }
            try parser.expect(UInt8(ascii: "}"), "expected ',' or '}'")
            parser.skipSpaces()
            guard parser.atEnd || parser.peek == 0x0A || parser.peek == 0x0D else {
                throw parser.error("text after the object; put one object on each line")
            }
            for (column, seen) in seenInRow.enumerated() where !seen { builders[column].appendMissing() }
            rowCount += 1
        }
        guard rowCount > 0 else { throw .empty(file: file) }
        let columns = zip(names, builders).map { $1.finish(name: $0, rowCount: rowCount) }
        return Table(source: file, columns: columns, rowCount: rowCount)
    }
}

private struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    let file: String
    var position = 0
    var line = 1
    var lineStart = 0

    init(bytes: UnsafeBufferPointer<UInt8>, file: String) {
        self.bytes = bytes
        self.file = file
    }

    var atEnd: Bool { position >= bytes.count }
    var peek: UInt8 { position < bytes.count ? bytes[position] : 0 }

    /// An error at `offset` (default: the current position) of the current line.
    func error(_ reason: String, at offset: Int? = nil) -> TabularError {
        .malformedJSON(file: file, line: line, column: (offset ?? position) - lineStart + 1, reason: reason)
    }

    mutating func skipBlankLines() {
        while !atEnd {
            let b = bytes[position]
            if b == 0x0A { line += 1; lineStart = position + 1 } else if b != 0x20, b != 0x09, b != 0x0D { return }
            position += 1
        }
    }

    mutating func skipSpaces() {
        while !atEnd, bytes[position] == 0x20 || bytes[position] == 0x09 { position += 1 }
    }

    mutating func expect(_ byte: UInt8, _ reason: String) throws(TabularError) {
        guard peek == byte else { throw error(reason) }
        position += 1
    }

    /// A JSON string, unescaped; returned as a Swift string (keys) — values use `rawString`.
    mutating func string(into scratch: inout [UInt8]) throws(TabularError) -> String {
        try rawString(into: &scratch)
        return String(decoding: scratch, as: UTF8.self)
    }

    /// Reads a JSON string into `scratch` (unescaped bytes).
    mutating func rawString(into scratch: inout [UInt8]) throws(TabularError) {
        let start = position
        try expect(UInt8(ascii: "\""), "expected a string")
        scratch.removeAll(keepingCapacity: true)
        while true {
            guard !atEnd else { throw error("unterminated string", at: start) }
            let b = bytes[position]
            position += 1
            switch b {
            case 0x22: return
            case 0x0A: throw error("unterminated string", at: start)
            case 0x5C:
                guard !atEnd else { throw error("unterminated string") }
                let e = bytes[position]
                position += 1
                switch e {
                case 0x22, 0x5C, 0x2F: scratch.append(e)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard peek == 0x5C, position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u") else {
                            throw error("unpaired surrogate in \\u escape")
                        }
                        position += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate in \\u escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                    scratch.append(contentsOf: Array(String(Character(unicode)).utf8))
                default: throw error("invalid escape \\\(Character(Unicode.Scalar(e)))")
                }
            default: scratch.append(b)
            }
        }
    }

    private mutating func hex4() throws(TabularError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[position]
            let digit: UInt32
            switch b {
            case 0x30...0x39: digit = UInt32(b - 0x30)
            case 0x41...0x46: digit = UInt32(b - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(b - 0x61 + 10)
            default: throw error("invalid \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    mutating func value(into builder: inout ColumnBuilder, scratch: inout [UInt8], line: Int, key: String) throws(TabularError) {
        switch peek {
        case 0x22:
            try rawString(into: &scratch)
            scratch.withUnsafeBufferPointer { builder.appendString($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count, line: line) }
        case UInt8(ascii: "t"): try literal("true"); builder.appendBool(true, line: line)
        case UInt8(ascii: "f"): try literal("false"); builder.appendBool(false, line: line)
        case UInt8(ascii: "n"): try literal("null"); builder.appendMissing()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            throw error("'\(key)' holds a nested object or array; flatten it into columns")
        default:
            let begin = position
            while !atEnd, case let b = bytes[position], b == 0x2D || b == 0x2B || b == 0x2E || (b | 0x20) == 0x65 || (0x30...0x39).contains(b) {
                position += 1
            }
            guard position > begin, let number = NumberParsing.parse(bytes.baseAddress! + begin, position - begin) else {
                throw error("expected a value for '\(key)'")
            }
            builder.appendNumber(number, line: line)
        }
    }

    private mutating func literal(_ word: StaticString) throws(TabularError) {
        let n = word.utf8CodeUnitCount
        guard position + n <= bytes.count, memcmp(bytes.baseAddress! + position, word.utf8Start, n) == 0 else {
            throw error("expected a value")
        }
        position += n
    }
}
