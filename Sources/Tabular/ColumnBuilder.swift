/// Accumulates one column's values while a file is read, inferring its type as it goes.
///
/// A column starts undecided; its first non-missing value makes it numeric, boolean or
/// categorical. A later value that does not fit demotes it to categorical, converting what was
/// read so far to text (numbers in their shortest form), so the file is read exactly once.
/// A declared type never changes: values that break it are stored as missing and counted.
/// Whoever holds the original bytes can check `demoted` and read the column again as text,
/// which is what `DelimitedReader` does, so that `007` stays `007`.
struct ColumnBuilder {
    private enum Mode { case pending, numeric, boolean, categorical }

    private let declared: ColumnKind?
    private var mode: Mode
    private var leadingMissing = 0
    private var numbers: [Double] = []
    private var codes: [Int32] = []
    private var interner = ByteInterner()
    private(set) var nullCount = 0
    /// Whether values read as numbers or booleans were turned into text, losing their spelling.
    private(set) var demoted = false
    private var invalidCount = 0
    private var firstInvalid: (value: String, line: Int)?
    private let expectedRows: Int

    init(declared: ColumnKind?, expectedRows: Int) {
        self.declared = declared
        self.expectedRows = expectedRows
        switch declared {
        case .numeric?: mode = .numeric
        case .boolean?: mode = .boolean
        case .categorical?: mode = .categorical
        case nil: mode = .pending
        }
        if mode == .categorical { codes.reserveCapacity(expectedRows) } else if mode != .pending { numbers.reserveCapacity(expectedRows) }
    }

    // MARK: Appending

    /// A field as text (CSV/TSV): missing, number, boolean or category by its spelling.
    @inline(__always)
    mutating func appendText(_ p: UnsafePointer<UInt8>, _ n: Int, line: Int) {
        if MissingValues.isMissing(p, n) { return appendMissing() }
        switch mode {
        case .numeric:
            if let value = NumberParsing.parse(p, n) { numbers.append(value); return }
            if declared == .numeric { return appendInvalid(p, n, line: line) }
            demote()
        case .boolean:
            if let value = Self.boolean(p, n, lenient: declared == .boolean) { numbers.append(value ? 1 : 0); return }
            if declared == .boolean { return appendInvalid(p, n, line: line) }
            demote()
        case .pending:
            if let value = NumberParsing.parse(p, n) {
                decide(.numeric)
                numbers.append(value)
            } else if let value = Self.boolean(p, n, lenient: false) {
                decide(.boolean)
                numbers.append(value ? 1 : 0)
            } else {
                decide(.categorical)
            }
            if mode != .categorical { return }
        case .categorical:
            break
        }
        codes.append(interner.intern(p, n))
    }

    /// A typed JSON number.
    mutating func appendNumber(_ value: Double, line: Int) {
        switch mode {
        case .pending: decide(.numeric); numbers.append(value)
        case .numeric: numbers.append(value)
        case .boolean:
            if declared == .boolean, value == 0 || value == 1 { numbers.append(value); return }
            if declared == .boolean { return appendInvalidText(NumberFormatting.shortest(value), line: line) }
            demote()
            codes.append(interner.intern(NumberFormatting.shortest(value)))
        case .categorical: codes.append(interner.intern(NumberFormatting.shortest(value)))
        }
    }

    /// A typed JSON boolean.
    mutating func appendBool(_ value: Bool, line: Int) {
        switch mode {
        case .pending: decide(.boolean); numbers.append(value ? 1 : 0)
        case .boolean: numbers.append(value ? 1 : 0)
        case .numeric:
            if declared == .numeric { return appendInvalidText(value ? "true" : "false", line: line) }
            demote()
            codes.append(interner.intern(value ? "true" : "false"))
        case .categorical: codes.append(interner.intern(value ? "true" : "false"))
        }
    }

    /// A typed JSON string: a category, unless the column is declared otherwise.
    mutating func appendString(_ p: UnsafePointer<UInt8>, _ n: Int, line: Int) {
        if declared == .numeric || declared == .boolean { return appendText(p, n, line: line) }
        if MissingValues.isMissing(p, n) { return appendMissing() }
        if mode != .categorical { mode == .pending ? decide(.categorical) : demote() }
        codes.append(interner.intern(p, n))
    }

    @inline(__always)
    mutating func appendMissing() {
        nullCount += 1
        switch mode {
        case .pending: leadingMissing += 1
        case .numeric, .boolean: numbers.append(.nan)
        case .categorical: codes.append(-1)
        }
    }

    private mutating func appendInvalid(_ p: UnsafePointer<UInt8>, _ n: Int, line: Int) {
        appendInvalidText(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self), line: line)
    }

    private mutating func appendInvalidText(_ text: String, line: Int) {
        invalidCount += 1
        if firstInvalid == nil { firstInvalid = (String(text.prefix(80)), line) }
        numbers.append(.nan)
    }

    // MARK: Type decisions

    /// Fixes the column's type at its first value, keeping the storage reserved for all rows
    /// (growing a million-row array by doubling would copy it and fault in fresh pages).
    private mutating func decide(_ newMode: Mode) {
        mode = newMode
        if newMode == .categorical {
            numbers = []
            codes.reserveCapacity(expectedRows)
            codes.append(contentsOf: repeatElement(-1, count: leadingMissing))
        } else {
            numbers.reserveCapacity(expectedRows)
            numbers.append(contentsOf: repeatElement(.nan, count: leadingMissing))
        }
    }

    /// Turns the numbers read so far into categories, keeping first-seen order.
    private mutating func demote() {
        let wasBoolean = mode == .boolean
        demoted = demoted || !numbers.isEmpty
        codes.reserveCapacity(Swift.max(expectedRows, numbers.count))
        for value in numbers {
            if value.isNaN {
                codes.append(-1)
            } else {
                codes.append(interner.intern(wasBoolean ? (value == 1 ? "true" : "false") : NumberFormatting.shortest(value)))
            }
        }
        numbers = []
        mode = .categorical
    }

    private static func boolean(_ p: UnsafePointer<UInt8>, _ n: Int, lenient: Bool) -> Bool? {
        guard n <= 5 else { return nil }
        var lower: (UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &lower) { buffer in
            for i in 0..<n { buffer[i] = p[i] | 0x20 }
        }
        switch (n, lower) {
        case (4, (0x74, 0x72, 0x75, 0x65, 0)): return true   // true
        case (5, (0x66, 0x61, 0x6C, 0x73, 0x65)): return false // false
        default: break
        }
        guard lenient else { return nil }
        switch (n, lower) {
        case (1, (0x31 | 0x20, 0, 0, 0, 0)), (3, (0x79, 0x65, 0x73, 0, 0)): return true  // 1, yes
        case (1, (0x30 | 0x20, 0, 0, 0, 0)), (2, (0x6E, 0x6F, 0, 0, 0)): return false    // 0, no
        default: return nil
        }
    }

    // MARK: Joining chunks

    /// Appends the builder of the next chunk of this column.
    ///
    /// The result equals reading the chunks as one sequence; either way, numbers turned into text
    /// are in shortest form and the column is `demoted`.
    ///
    /// - Parameter lineOffset: lines before the chunk, to make its invalid-value line absolute.
    mutating func append(_ part: ColumnBuilder, lineOffset: Int) {
        var part = part
        nullCount += part.nullCount
        invalidCount += part.invalidCount
        if firstInvalid == nil, let first = part.firstInvalid { firstInvalid = (first.value, first.line + lineOffset) }
        if part.mode == .pending {
            switch mode {
            case .pending: leadingMissing += part.leadingMissing
            case .categorical: codes.append(contentsOf: repeatElement(-1, count: part.leadingMissing))
            case .numeric, .boolean: numbers.append(contentsOf: repeatElement(.nan, count: part.leadingMissing))
            }
            return
        }
        if mode == .pending { decide(part.mode) }
        if mode != part.mode {
            // Text in either, or numbers meeting booleans: both become categorical.
            if mode != .categorical { demote() }
            if part.mode != .categorical { part.demote() }
        }
        demoted = demoted || part.demoted
        if mode == .categorical {
            var mapping: [Int32] = []
            mapping.reserveCapacity(part.interner.count)
            part.interner.forEachLevel { p, n in mapping.append(interner.intern(p, n)) }
            mapping.withUnsafeBufferPointer { map in
                for code in part.codes { codes.append(code < 0 ? -1 : map[Int(code)]) }
            }
        } else {
            numbers.append(contentsOf: part.numbers)
        }
    }

    /// The same builder with its first invalid value's line moved down by `offset`.
    func shiftingInvalidLine(by offset: Int) -> ColumnBuilder {
        var copy = self
        copy.firstInvalid = firstInvalid.map { ($0.value, $0.line + offset) }
        return copy
    }

    // MARK: Finishing

    func finish(name: String, rowCount: Int) -> Column {
        let kind: ColumnKind
        let storage: Column.Storage
        switch mode {
        case .pending:
            // Only missing values: numeric is the type that claims least.
            kind = declared ?? .numeric
            storage = kind == .categorical
                ? .categorical(codes: Array(repeating: -1, count: rowCount), levels: [])
                : .numeric(Array(repeating: .nan, count: rowCount))
        case .numeric:
            kind = .numeric
            storage = .numeric(numbers)
        case .boolean:
            kind = .boolean
            storage = .numeric(numbers)
        case .categorical:
            kind = .categorical
            storage = .categorical(codes: codes, levels: interner.levels())
        }
        return Column(name: name, kind: kind, storage: storage, nullCount: nullCount,
                      invalidCount: invalidCount, firstInvalid: firstInvalid)
    }
}
