import DataValidation
import GateKit

/// What `mlgate init` infers each column is for: the columns a careful user keeps out of the
/// model's features (with the reason, written beside them as a comment) and the dates.
struct ColumnRoles {
    /// Never model inputs: row numbers, ids, unnamed columns, epoch timestamps, label restatements.
    let ignore: [(column: String, reason: String)]
    /// Text dates and timestamps, typed `datetime` in the schema.
    let datetime: [String]

    /// A column is a date column when this share of its distinct values read as dates.
    static let dateShare = 0.98

    init(train: Table, target: String, task: TaskKind, holdout: Table?) {
        var ignore: [(String, String)] = [], datetime: [String] = []
        let rows = train.rowCount
        for column in train.columns where column.name != target {
            if column.name.hasPrefix("unnamed column ") {
                ignore.append((column.name, "no header: usually a row number an export wrote"))
            } else if Self.isDates(column) {
                datetime.append(column.name)
            } else if let why = Self.identifier(column, rows: rows) {
                ignore.append((column.name, why))
            }
        }
        let ignored = Set(ignore.map(\.0)).union(datetime)
        let features = train.columnNames.filter { $0 != target && !ignored.contains($0) }
        for (name, reason) in TargetLeakage.columns(train: train, holdout: holdout, features: features, target: target, task: task, seed: 42) {
            ignore.append((name, "restates the target: \(reason)"))
        }
        self.ignore = ignore
        self.datetime = datetime
    }

    /// Text that reads as dates or timestamps in nearly every distinct value.
    static func isDates(_ column: Column) -> Bool {
        guard let (_, levels) = column.categorical, !levels.isEmpty else { return false }
        let sample = levels.count > 2000 ? Array(levels.prefix(2000)) : levels
        let dates = sample.filter(DateTimeText.isDateTime).count
        return Double(dates) >= dateShare * Double(sample.count)
    }

    /// Why a column names rows rather than describes them, or nil when it describes them.
    static func identifier(_ column: Column, rows: Int) -> String? {
        guard rows > 20 else { return nil }
        let lower = column.name.lowercased()
        let named = lower == "id" || lower.hasSuffix("_id") || lower.hasSuffix(" id") || lower.hasSuffix("uuid") || lower == "index"
            || column.name.hasSuffix("Id") || column.name.hasSuffix("ID")
        switch column.storage {
        case .categorical(let codes, let levels):
            let distinct = Set(codes.filter { $0 >= 0 }).count
            if distinct == rows { return "id-like: a different value in every row" }
            if named && distinct > rows * 9 / 10 { return "id-like: named as an id, nearly unique" }
            return nil
        case .numeric(let values):
            guard column.kind == .numeric, column.nullCount == 0 else { return nil }
            let integral = values.allSatisfy { $0 == $0.rounded() }
            if integral && (isMonotone(values, increasing: true) || isMonotone(values, increasing: false)) {
                if Self.isEpoch(values, name: lower) { return "a timestamp in seconds since 1970: time moves on, it does not recur in new data" }
                return "a counter: its values rise row by row (a row number or record id)"
            }
            if named && Set(values).count == rows { return "id-like: named as an id, unique per row" }
            if isEpoch(values, name: lower) && Set(values).count > rows / 2 { return "a timestamp in seconds since 1970: time moves on, it does not recur in new data" }
            return nil
        }
    }

    static func isMonotone(_ values: [Double], increasing: Bool) -> Bool {
        guard values.count > 1 else { return false }
        for i in 1..<values.count where increasing ? values[i] <= values[i - 1] : values[i] >= values[i - 1] { return false }
        return true
    }

    /// Seconds or milliseconds since 1970 between 2001 and 2100, in a column named like a time.
    static func isEpoch(_ values: [Double], name: String) -> Bool {
        let timeLike = ["time", "date", "timestamp", "epoch", "created", "updated"].contains { name.contains($0) } || name.hasSuffix("_at")
        guard timeLike, let low = values.min(), let high = values.max() else { return false }
        return (low >= 1e9 && high <= 4.1e9) || (low >= 1e12 && high <= 4.1e12)
    }
}
