/// Collects one column chunk's values as the column's kind wants them: numbers, or text codes.
/// Every physical value reads through `Target`: an integer may be a date, a timestamp, a
/// decimal or a plain number; bytes may be text, a decimal, a UUID or a half float.
struct Sink {
    enum Value {
        case boolean(Bool)
        case integer(Int64)
        case real(Double)
        case bytes(UnsafeBufferPointer<UInt8>)
    }

    let target: Target
    private var numbers: [Double] = []
    private var interner = ByteInterner()
    private var codes: [Int32] = []
    private var nulls = 0
    private var invalid = 0
    private var firstInvalid: (value: String, row: Int)?
    /// A dictionary's entries: whether each was invalid, and its text, for the message.
    private var entryInvalid: [String?]?
    private var scratch: [UInt8] = []

    init(target: Target, capacity: Int, recordingEntries: Bool = false) {
        self.target = target
        if target.kind == .text { codes.reserveCapacity(capacity) } else { numbers.reserveCapacity(capacity) }
        if recordingEntries { entryInvalid = [] }
    }

    var count: Int { target.kind == .text ? codes.count : numbers.count }

    /// Takes a dictionary's interner, so that its entries' codes are this chunk's codes.
    mutating func adoptInterner(of dictionary: Sink) { interner = dictionary.interner }

    mutating func appendNull() {
        if target.kind == .text { codes.append(-1) } else { numbers.append(.nan) }
        nulls += 1
        entryInvalid?.append(nil)
    }

    /// The value of dictionary entry `index` (its text already interned here).
    mutating func appendEntry(_ index: Int, of dictionary: Sink) {
        if target.kind == .text {
            let code = dictionary.codes[index]
            codes.append(code)
            if code < 0 { nulls += 1 }
        } else {
            let v = dictionary.numbers[index]
            numbers.append(v)
            if v.isNaN {
                if let text = dictionary.entryInvalid?[index] {
                    invalid += 1
                    if firstInvalid == nil { firstInvalid = (text, numbers.count - 1) }
                } else {
                    nulls += 1
                }
            }
        }
    }

    /// Numbers already final (NaN missing), `definitions` placing them (none: all present):
    /// the fast path of plain numeric columns.
    mutating func appendNumbers(_ values: UnsafeBufferPointer<Double>, definitions: [UInt32]) {
        if definitions.isEmpty {
            numbers.append(contentsOf: values)
            for v in values where v.isNaN { nulls += 1 }
            return
        }
        var next = 0
        for d in definitions {
            if d == 0 {
                numbers.append(.nan)
                nulls += 1
            } else {
                let v = values[next]
                next += 1
                numbers.append(v)
                if v.isNaN { nulls += 1 }
            }
        }
    }

    /// Dictionary indices (already checked against the dictionary's size) to its entries,
    /// `definitions` placing them: the fast path of dictionary-encoded pages.
    mutating func appendEntries(_ indices: [UInt32], of dictionary: Sink, definitions: [UInt32]) {
        if target.kind == .text {
            dictionary.codes.withUnsafeBufferPointer { entries in
                var next = 0
                if definitions.isEmpty {
                    for index in indices {
                        let code = entries[Int(index)]
                        codes.append(code)
                        if code < 0 { nulls += 1 }
                    }
                    return
                }
                for d in definitions {
                    if d == 0 {
                        codes.append(-1)
                        nulls += 1
                    } else {
                        let code = entries[Int(indices[next])]
                        next += 1
                        codes.append(code)
                        if code < 0 { nulls += 1 }
                    }
                }
            }
            return
        }
        // Numbers: a gather; an entry that is NaN is missing or (text declared numeric) invalid.
        guard dictionary.entryInvalid?.allSatisfy({ $0 == nil }) ?? true else {
            var weave = NullWeaver(definitions: definitions)
            for index in indices {
                weave.nullsBefore(into: &self)
                appendEntry(Int(index), of: dictionary)
            }
            _ = weave.rest(into: &self)
            return
        }
        // Gathered into a buffer of the page's size, then appended in one copy: an append a
        // value costs more than the gather.
        var missing = 0
        let slots = definitions.isEmpty ? indices.count : definitions.count
        let page = [Double](unsafeUninitializedCapacity: slots) { out, initialised in
            dictionary.numbers.withUnsafeBufferPointer { entries in
                indices.withUnsafeBufferPointer { indices in
                    if definitions.isEmpty {
                        for i in 0..<slots {
                            let v = entries[Int(indices[i])]
                            out[i] = v
                            if v.isNaN { missing += 1 }
                        }
                        return
                    }
                    var next = 0
                    for i in 0..<slots {
                        if definitions[i] == 0 {
                            out[i] = .nan
                            missing += 1
                        } else {
                            let v = entries[Int(indices[next])]
                            next += 1
                            out[i] = v
                            if v.isNaN { missing += 1 }
                        }
                    }
                }
            }
            initialised = slots
        }
        numbers.append(contentsOf: page)
        nulls += missing
    }

    mutating func append(_ value: Value) {
        switch target.kind {
        case .numeric, .boolean: appendNumber(value)
        case .text: appendText(value)
        }
    }

    func finish() -> ChunkValues {
        var values = ChunkValues(values: target.kind == .text ? .text(interner, codes) : .numbers(numbers))
        values.nulls = nulls
        values.invalid = invalid
        values.firstInvalid = firstInvalid
        return values
    }

    // MARK: Numbers

    private mutating func appendNumber(_ value: Value) {
        var number: Double?
        var invalidText: String?
        switch value {
        case .boolean(let b): number = b ? 1 : 0
        case .integer(let v): number = Self.number(v, target.meaning)
        case .real(let v): number = v.isNaN ? nil : v
        case .bytes(let b):
            switch (target.physical, target.meaning) {
            case (_, .decimal(let scale, _)): number = Self.decimal(b, scale: scale)
            case (.fixedLenByteArray, .float16) where b.count == 2:
                number = Double(Self.half(UInt16(b[0]) | UInt16(b[1]) << 8))
            case (.int96, _): number = Double(Self.int96Nanoseconds(b)) / 1e9
            default:
                // Text declared numeric: parsed as a CSV field is; what does not parse is invalid.
                if b.isEmpty || MissingValues.isMissing(b.baseAddress!, b.count) {
                    number = nil
                } else if let parsed = NumberParsing.parse(b.baseAddress!, b.count) {
                    number = parsed.isNaN ? nil : parsed
                } else {
                    invalidText = String(decoding: b, as: UTF8.self)
                }
            }
        }
        if let number {
            numbers.append(number)
            entryInvalid?.append(nil)
        } else if let invalidText {
            numbers.append(.nan)
            invalid += 1
            if firstInvalid == nil { firstInvalid = (invalidText, numbers.count - 1) }
            entryInvalid?.append(invalidText)
        } else {
            numbers.append(.nan)
            nulls += 1
            entryInvalid?.append(nil)
        }
    }

    static func number(_ v: Int64, _ meaning: Parquet.Meaning) -> Double {
        switch meaning {
        case .decimal(let scale, _): return Double(v) / pow10(scale)
        case .integer(let bits, false) where bits == 64: return Double(UInt64(bitPattern: v))
        case .integer(let bits, false) where bits == 32: return Double(UInt32(truncatingIfNeeded: v))
        default: return Double(v)
        }
    }

    static func pow10(_ e: Int32) -> Double {
        var p = 1.0
        for _ in 0..<max(0, e) { p *= 10 }
        return p
    }

    /// A big-endian two's-complement unscaled decimal.
    static func decimal(_ b: UnsafeBufferPointer<UInt8>, scale: Int32) -> Double? {
        guard !b.isEmpty else { return nil }
        let negative = b[0] & 0x80 != 0
        var magnitude = 0.0
        for byte in b { magnitude = magnitude * 256 + Double(negative ? ~byte : byte) }
        return (negative ? -(magnitude + 1) : magnitude) / pow10(scale)
    }

    static func half(_ bits: UInt16) -> Float {
        let sign: Float = bits & 0x8000 != 0 ? -1 : 1
        let exponent = Int((bits >> 10) & 0x1F), fraction = Float(bits & 0x3FF)
        switch exponent {
        case 0: return sign * fraction * Float(sign: .plus, exponent: -24, significand: 1)
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }

    /// INT96 timestamps (Impala, older Spark): nanoseconds of the day, then the Julian day.
    static func int96Nanoseconds(_ b: UnsafeBufferPointer<UInt8>) -> Int64 {
        var nanos: UInt64 = 0
        for i in 0..<8 { nanos |= UInt64(b[i]) << (8 * UInt64(i)) }
        var day: UInt32 = 0
        for i in 0..<4 { day |= UInt32(b[8 + i]) << (8 * UInt32(i)) }
        return (Int64(day) - 2_440_588) &* 86_400_000_000_000 &+ Int64(bitPattern: nanos)
    }

    // MARK: Text

    private mutating func appendText(_ value: Value) {
        scratch.removeAll(keepingCapacity: true)
        switch value {
        case .boolean(let b): scratch.append(contentsOf: (b ? "true" : "false").utf8)
        case .integer(let v): Self.text(v, target.meaning, into: &scratch)
        case .real(let v):
            guard !v.isNaN else { appendNull(); return }
            scratch.append(contentsOf: NumberFormatting.shortest(v).utf8)
        case .bytes(let b):
            switch (target.physical, target.meaning) {
            case (.int96, _): Self.timestamp(Self.int96Nanoseconds(b), perSecond: 1_000_000_000, into: &scratch)
            case (_, .decimal(let scale, _)):
                guard let v = Self.decimal(b, scale: scale) else { appendNull(); return }
                scratch.append(contentsOf: NumberFormatting.shortest(v).utf8)
            case (.fixedLenByteArray, .uuid) where b.count == 16:
                let hex = Array("0123456789abcdef".utf8)
                for (i, byte) in b.enumerated() {
                    if i == 4 || i == 6 || i == 8 || i == 10 { scratch.append(UInt8(ascii: "-")) }
                    scratch.append(hex[Int(byte >> 4)])
                    scratch.append(hex[Int(byte & 15)])
                }
            default:
                // Text as is: an empty or NA-like string is missing, as it is in a CSV.
                if b.isEmpty || MissingValues.isMissing(b.baseAddress!, b.count) { appendNull(); return }
                codes.append(interner.intern(b.baseAddress!, b.count))
                entryInvalid?.append(nil)
                return
            }
        }
        let code = scratch.withUnsafeBufferPointer { interner.intern($0.baseAddress!, $0.count) }
        codes.append(code)
        entryInvalid?.append(nil)
    }

    /// An integer as its meaning reads: a date, a time, a timestamp, a decimal or a number.
    static func text(_ v: Int64, _ meaning: Parquet.Meaning, into out: inout [UInt8]) {
        switch meaning {
        case .date: date(days: v, into: &out)
        case .timestamp(let perSecond): timestamp(v, perSecond: perSecond, into: &out)
        case .time(let perSecond):
            let (seconds, fraction) = split(v, perSecond: perSecond)
            clock(seconds, into: &out)
            self.fraction(fraction, perSecond: perSecond, into: &out)
        case .decimal, .integer(_, false): out.append(contentsOf: NumberFormatting.shortest(number(v, meaning)).utf8)
        default: out.append(contentsOf: String(v).utf8)
        }
    }

    static func split(_ v: Int64, perSecond: Int64) -> (seconds: Int64, fraction: Int64) {
        var seconds = v / perSecond, fraction = v % perSecond
        if fraction < 0 { seconds -= 1; fraction += perSecond }
        return (seconds, fraction)
    }

    /// `2024-01-31 12:00:00`, with the fraction's digits when there is one (trailing zeros cut).
    static func timestamp(_ v: Int64, perSecond: Int64, into out: inout [UInt8]) {
        let (seconds, fraction) = split(v, perSecond: perSecond)
        var days = seconds / 86_400, rest = seconds % 86_400
        if rest < 0 { days -= 1; rest += 86_400 }
        date(days: days, into: &out)
        out.append(UInt8(ascii: " "))
        clock(rest, into: &out)
        self.fraction(fraction, perSecond: perSecond, into: &out)
    }

    static func clock(_ seconds: Int64, into out: inout [UInt8]) {
        let s = ((seconds % 86_400) + 86_400) % 86_400
        two(s / 3600, &out)
        out.append(UInt8(ascii: ":"))
        two(s / 60 % 60, &out)
        out.append(UInt8(ascii: ":"))
        two(s % 60, &out)
    }

    static func fraction(_ fraction: Int64, perSecond: Int64, into out: inout [UInt8]) {
        guard fraction > 0 else { return }
        var digits = Array(String(fraction).utf8)
        let width = perSecond == 1_000 ? 3 : perSecond == 1_000_000 ? 6 : 9
        digits = Array(repeating: UInt8(ascii: "0"), count: max(0, width - digits.count)) + digits
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        out.append(UInt8(ascii: "."))
        out.append(contentsOf: digits)
    }

    /// Days since 1970-01-01 as `YYYY-MM-DD` (Howard Hinnant's civil-from-days).
    static func date(days: Int64, into out: inout [UInt8]) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        if year < 0 { out.append(UInt8(ascii: "-")) }
        let y = abs(year)
        let text = Array(String(y).utf8)
        out.append(contentsOf: Array(repeating: UInt8(ascii: "0"), count: max(0, 4 - text.count)) + text)
        out.append(UInt8(ascii: "-"))
        two(month, &out)
        out.append(UInt8(ascii: "-"))
        two(day, &out)
    }

    static func two(_ v: Int64, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "0") + UInt8(v / 10))
        out.append(UInt8(ascii: "0") + UInt8(v % 10))
    }
}
