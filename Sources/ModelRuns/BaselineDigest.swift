import GateKit
import Training

/// What the model runs take from the baseline's training file besides its model: the columns
/// and their types, the task it defines, each row's content key over the split's key columns,
/// and the levels its categorical features learned. Cached beside the baseline model, so that
/// the second PR against the same main, whose baseline model is cached too, does not read and
/// parse main's training file at all.
///
/// Only for a baseline with a holdout file (without one, the baseline's held-out rows are
/// taken from the training file, which must then be read), and only when every baseline column
/// is still in head's training data (otherwise renames are looked for in the values).
struct BaselineDigest {
    static let version = "mlgate-baseline-digest-1"

    let columns: [(name: String, kind: ColumnKind)]
    let task: LearningTask
    let rows: Int
    /// The split's key columns, as the baseline names them, that `rowKeys` hash.
    let keyColumns: [String]
    let rowKeys: [UInt64]
    /// For each categorical feature, the levels it learned from (`EvaluationRows.levels`).
    let levels: [(column: String, levels: [String])]

    init(table: Table, task: LearningTask, keyColumns: [String], rowKeys: [UInt64]) {
        columns = table.columns.map { ($0.name, $0.kind) }
        self.task = task
        rows = table.rowCount
        self.keyColumns = keyColumns
        self.rowKeys = rowKeys
        levels = task.features.compactMap { name in
            guard let column = table.column(name), column.kind == .categorical else { return nil }
            return (name, EvaluationRows.levels(of: column).sorted())
        }
    }

    func kind(of column: String) -> ColumnKind? { columns.first { $0.name == column }?.kind }

    /// The cache key: the training file's content and everything of the baseline's configuration
    /// that shapes how it is read (declared types) and what task it defines.
    static func key(trainHash: String, configuration: Configuration) -> String {
        let declared = configuration.declaredTypes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.rawValue)" }
        let features = configuration.features
        return CacheKey.digest([version, trainHash, configuration.task.rawValue, configuration.target, configuration.positive ?? "",
                                features.ignore.joined(separator: "\u{1}"), features.protected.joined(separator: "\u{1}"),
                                features.useProtected.joined(separator: "\u{1}"), configuration.datetimeColumns.joined(separator: "\u{1}"),
                                declared.joined(separator: "\u{1}")].joined(separator: "\u{0}"))
    }

    // MARK: Bytes

    func encoded() -> [UInt8] {
        var out = ByteWriter()
        out.bytes.reserveCapacity(rowKeys.count * 8 + 4096)
        out.string(Self.version)
        out.int(columns.count)
        for column in columns {
            out.string(column.name)
            out.string(column.kind.rawValue)
        }
        out.string(task.kind.rawValue)
        out.string(task.target)
        out.int(task.features.count)
        for feature in task.features { out.string(feature) }
        out.int(task.positive == nil ? 0 : 1)
        if let positive = task.positive { out.string(positive) }
        out.int(task.classes.count)
        for c in task.classes { out.string(c) }
        out.int(rows)
        out.int(keyColumns.count)
        for column in keyColumns { out.string(column) }
        out.words(rowKeys)
        out.int(levels.count)
        for (column, values) in levels {
            out.string(column)
            out.int(values.count)
            for value in values { out.string(value) }
        }
        return out.bytes
    }

    init?(decoding bytes: [UInt8]) {
        var input = ByteReader(bytes)
        func strings(_ input: inout ByteReader) -> [String]? {
            guard let n = input.count() else { return nil }
            var out: [String] = []
            for _ in 0..<n {
                guard let s = input.string() else { return nil }
                out.append(s)
            }
            return out
        }
        guard input.string() == Self.version, let columnCount = input.count() else { return nil }
        var columns: [(String, ColumnKind)] = []
        for _ in 0..<columnCount {
            guard let name = input.string(), let kind = input.string().flatMap(ColumnKind.init(rawValue:)) else { return nil }
            columns.append((name, kind))
        }
        guard let kind = input.string().flatMap(TaskKind.init(rawValue:)), let target = input.string(), let features = strings(&input),
              let hasPositive = input.int() else { return nil }
        var positive: String?
        if hasPositive == 1 {
            guard let p = input.string() else { return nil }
            positive = p
        }
        guard let classes = strings(&input), let rows = input.int(), let keyColumns = strings(&input), let rowKeys = input.words(),
              rowKeys.count == rows, let levelCount = input.count() else { return nil }
        var levels: [(String, [String])] = []
        for _ in 0..<levelCount {
            guard let column = input.string(), let values = strings(&input) else { return nil }
            levels.append((column, values))
        }
        guard input.remaining == 0 else { return nil }
        self.columns = columns
        task = LearningTask(kind: kind, target: target, features: features, positive: positive, classes: classes)
        self.rows = rows
        self.keyColumns = keyColumns
        self.rowKeys = rowKeys
        self.levels = levels
    }
}
