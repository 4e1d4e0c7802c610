import GateKit
import Training

/// How the baseline model reads head's rows: through the columns a PR renamed, and only when
/// every feature it learned from is still there with the type it learned.
///
/// Scoring the baseline model on a holdout that lacks one of its features would score it with
/// that feature blank and make the candidate look better or worse for no reason; such a
/// comparison is refused with the features named (`incomparable`), and checks on the candidate
/// alone still run.
public struct BaselineView: Sendable {
    /// Head's column name → the baseline's, for renamed columns the baseline model reads.
    public let headToBaseline: [String: String]
    /// Renames the comparison goes through, as `old → new`, for reports.
    public let mapped: [RenameDetection.Rename]
    /// Why the baseline model cannot score head's rows; nil when it can.
    public let incomparable: String?
    /// The baseline model's features that head lacks, with why.
    public let missing: [(feature: String, why: String)]

    /// - Parameters:
    ///   - features: the baseline model's features, with their types in its training data.
    ///   - head: head's holdout as the candidate is scored on it.
    ///   - renames: columns renamed between the baseline's and head's training data.
    public init(features: [(name: String, kind: ColumnKind)], head: Table, renames: [RenameDetection.Rename]) {
        let byOld = Dictionary(renames.map { ($0.old, $0) }, uniquingKeysWith: { a, _ in a })
        var headToBaseline: [String: String] = [:], mapped: [RenameDetection.Rename] = [], missing: [(String, String)] = []
        for (name, kind) in features {
            if let column = head.column(name) {
                if column.kind != kind && !(column.kind == .boolean && kind == .numeric) && !(column.kind == .numeric && kind == .boolean) {
                    missing.append((name, "\(kind.rawValue) at the baseline, \(column.kind.rawValue) at head"))
                }
            } else if let rename = byOld[name], head.column(rename.new) != nil {
                headToBaseline[rename.new] = name
                mapped.append(rename)
            } else {
                missing.append((name, "not in head's data"))
            }
        }
        self.headToBaseline = headToBaseline
        self.mapped = mapped
        self.missing = missing
        incomparable = missing.isEmpty ? nil
            : "the baseline model learned from " + missing.prefix(6).map { "'\($0.0)' (\($0.1))" }.joined(separator: ", ")
            + (missing.count > 6 ? " and \(missing.count - 6) more" : "")
            + ", so it cannot be scored like for like on head's holdout"
    }

    /// `table` (head's columns) as the baseline model names them.
    public func apply(_ table: Table) -> Table {
        headToBaseline.isEmpty ? table : table.renamingColumns(headToBaseline)
    }
}

extension Table {
    /// The same table with some columns under other names.
    public func renamingColumns(_ names: [String: String]) -> Table {
        Table(source: source, columns: columns.map { column in
            guard let name = names[column.name] else { return column }
            return Column(name: name, kind: column.kind, storage: column.storage, nullCount: column.nullCount,
                          invalidCount: column.invalidCount, firstInvalid: column.firstInvalid)
        }, rowCount: rowCount)
    }
}
