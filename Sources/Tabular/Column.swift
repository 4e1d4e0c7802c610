/// The inferred (or declared) type of a column.
public enum ColumnKind: String, Sendable, CaseIterable, Codable {
    case numeric, categorical, boolean
}

/// One column of a table, stored contiguously.
///
/// Invariants: numeric and boolean columns keep one `Double` a row, `NaN` for missing (booleans
/// as 0 / 1); categorical columns keep one `Int32` code a row into `levels`, `-1` for missing.
/// Levels are in first-seen order, so codes depend only on the file's content.
public struct Column: Sendable {
    public enum Storage: Sendable {
        case numeric([Double])
        case categorical(codes: [Int32], levels: [String])
    }

    public let name: String
    public let kind: ColumnKind
    public let storage: Storage
    /// Missing values (empty, NA, NaN, null, …).
    public let nullCount: Int
    /// Values that broke a declared type (text in a column declared numeric): stored as missing,
    /// counted here so that a check can report them instead of the reader failing.
    public let invalidCount: Int
    /// The first such value and its 1-based line, for the message.
    public let firstInvalid: (value: String, line: Int)?

    public init(name: String, kind: ColumnKind, storage: Storage, nullCount: Int,
                invalidCount: Int = 0, firstInvalid: (value: String, line: Int)? = nil) {
        self.name = name
        self.kind = kind
        self.storage = storage
        self.nullCount = nullCount
        self.invalidCount = invalidCount
        self.firstInvalid = firstInvalid
    }

    public var count: Int {
        switch storage {
        case .numeric(let values): values.count
        case .categorical(let codes, _): codes.count
        }
    }

    /// Values present and of the column's type: neither missing nor invalid.
    public var validCount: Int { count - nullCount - invalidCount }

    /// The numeric values (`NaN` for missing); nil for categorical columns.
    public var numericValues: [Double]? {
        if case .numeric(let values) = storage { return values }
        return nil
    }

    /// The codes and levels; nil for numeric and boolean columns.
    public var categorical: (codes: [Int32], levels: [String])? {
        if case .categorical(let codes, let levels) = storage { return (codes, levels) }
        return nil
    }

    /// Row `row` as text, as a report would show it ("" for missing).
    public func text(at row: Int) -> String {
        switch storage {
        case .numeric(let values):
            let v = values[row]
            if v.isNaN { return "" }
            if kind == .boolean { return v == 1 ? "true" : "false" }
            return NumberFormatting.shortest(v)
        case .categorical(let codes, let levels):
            let code = codes[row]
            return code < 0 ? "" : levels[Int(code)]
        }
    }
}

/// Text for numbers that reads like the source: integers without a trailing `.0`.
public enum NumberFormatting {
    public static func shortest(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
