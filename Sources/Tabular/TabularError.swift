/// Why a data file could not be read, naming the file, line and column a user should look at.
public enum TabularError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty(file: String)
    case raggedRow(file: String, line: Int, expected: Int, found: Int)
    case unterminatedQuote(file: String, line: Int)
    case strayQuote(file: String, line: Int, column: Int)
    case invalidUTF8(file: String, line: Int, column: Int)
    case duplicateColumn(file: String, name: String)
    case malformedJSON(file: String, line: Int, column: Int, reason: String)
    case notGzip(file: String, reason: String)
    case unsupportedFormat(file: String)
    /// A Parquet file that cannot be read: what is wrong, and where.
    case parquet(file: String, reason: String)
    /// The content is not the format the file's name says.
    case wrongFormat(file: String, found: String)
    /// The file is past one of the limits that keep a run's memory and time bounded.
    case tooLarge(file: String, reason: String)
    /// One field is longer than `Limits.fieldBytes`.
    case fieldTooLong(file: String, line: Int, field: Int, bytes: Int)
    /// A table in a compute engine (Spark) could not be read or summarised: the engine's reason.
    case remote(source: String, reason: String)

    /// The same error with its line moved down by `offset` (for chunks parsed on their own).
    func shiftingLines(by offset: Int) -> TabularError {
        switch self {
        case .raggedRow(let file, let line, let expected, let found): .raggedRow(file: file, line: line + offset, expected: expected, found: found)
        case .unterminatedQuote(let file, let line): .unterminatedQuote(file: file, line: line + offset)
        case .strayQuote(let file, let line, let column): .strayQuote(file: file, line: line + offset, column: column)
        case .invalidUTF8(let file, let line, let column): .invalidUTF8(file: file, line: line + offset, column: column)
        case .malformedJSON(let file, let line, let column, let reason): .malformedJSON(file: file, line: line + offset, column: column, reason: reason)
        case .fieldTooLong(let file, let line, let field, let bytes): .fieldTooLong(file: file, line: line + offset, field: field, bytes: bytes)
        default: self
        }
    }

    public var description: String {
        switch self {
        case .empty(let file):
            return "\(file): the file is empty; it needs a header line and at least one row"
        case .raggedRow(let file, let line, let expected, let found):
            return "\(file):\(line): row has \(found) fields but the header has \(expected); quote fields that contain the delimiter, or fix the row"
        case .unterminatedQuote(let file, let line):
            return "\(file):\(line): a quoted field opened here is never closed; add the closing \" (write \"\" for a quote inside a field)"
        case .strayQuote(let file, let line, let column):
            return "\(file):\(line):\(column): unexpected character after a closing quote; write \"\" for a quote inside a quoted field"
        case .invalidUTF8(let file, let line, let column):
            return "\(file):\(line):\(column): invalid UTF-8; re-save the file as UTF-8"
        case .duplicateColumn(let file, let name):
            return "\(file):1: column '\(name)' appears twice in the header; rename one of them"
        case .malformedJSON(let file, let line, let column, let reason):
            return "\(file):\(line):\(column): not a JSON Lines record: \(reason); each line must be one flat JSON object"
        case .notGzip(let file, let reason):
            return "\(file): cannot decompress (\(reason)); is it really gzip?"
        case .wrongFormat(let file, let found):
            return "\(file): \(found)"
        case .tooLarge(let file, let reason):
            return "\(file): \(reason)"
        case .fieldTooLong(let file, let line, let field, let bytes):
            return "\(file):\(line): field \(field) is \(bytes >> 10) KiB; a field may hold at most \(Limits.fieldBytes >> 20) MiB (is a quote left open?)"
        case .unsupportedFormat(let file):
            return "\(file): unsupported data format; use .csv, .tsv or .jsonl (optionally with .gz), or .parquet"
        case .parquet(let file, let reason):
            return "\(file): \(reason)"
        case .remote(let source, let reason):
            return "\(source): \(reason)"
        }
    }
}
