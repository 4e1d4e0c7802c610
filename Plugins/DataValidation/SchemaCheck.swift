import GateKit

/// `data-validation/schema`: the shape of the data a model is trained on.
///
/// Fails on what silently breaks a pipeline (a column removed or retyped, the target gone, a
/// holdout that lacks train's columns, text in a column declared numeric); warns on columns
/// added, which change the model's inputs and deserve a reviewer's look.
struct SchemaCheck {
    let input: ValidationInput

    private struct TypeChange { let column: String; let baseline: ColumnKind; let head: ColumnKind }

    func result() -> CheckResult {
        let id = "data-validation/schema"
        let config = input.configuration, train = input.head
        let title = "Schema of \(config.data.train)"
        var problems: [String] = []
        var notes: [String] = []
        var details: [(String, JSONValue)] = [("columns", .number(Double(train.columns.count)))]

        if train.column(config.target) == nil {
            problems.append("target column '\(config.target)' is missing from \(config.data.train)")
        }

        if let baseline = input.baseline {
            let baseNames = Set(baseline.columnNames), headNames = Set(train.columnNames)
            let renames = input.renames
            let renamedOld = Set(renames.map(\.old)), renamedNew = Set(renames.map(\.new))
            let removedAll = baseline.columnNames.filter { !headNames.contains($0) && !renamedOld.contains($0) }
            // A column no model read (features.ignore at either side) can go without breaking one.
            let ignored = Set(config.features.ignore + (input.context.baseline.configuration?.features.ignore ?? []))
            let removed = removedAll.filter { !ignored.contains($0) }, removedIgnored = removedAll.filter { ignored.contains($0) }
            let added = train.columnNames.filter { !baseNames.contains($0) && !renamedNew.contains($0) }
            let changed: [TypeChange] = baseline.columns.compactMap { old in
                guard let new = train.column(old.name), new.kind != old.kind else { return nil }
                return TypeChange(column: old.name, baseline: old.kind, head: new.kind)
            }
            if !removed.isEmpty { problems.append("removed \(Self.list(removed))") }
            if !changed.isEmpty {
                problems.append("changed type of " + changed.map { "'\($0.column)' (\($0.baseline.rawValue) → \($0.head.rawValue))" }.joined(separator: ", "))
            }
            for rename in renames {
                notes.append("renamed '\(rename.old)' → '\(rename.new)' (same values in \(Presentation.fraction(rename.agreement)) of rows)")
            }
            if !removedIgnored.isEmpty { notes.append("removed \(Self.list(removedIgnored)), listed in features.ignore") }
            if !added.isEmpty { notes.append("added \(Self.list(added))") }
            details += [
                ("removed", .strings(removed)),
                ("removed_ignored", .strings(removedIgnored)),
                ("added", .strings(added)),
                ("renamed", .array(renames.map { .object([("old", .string($0.old)), ("new", .string($0.new)), ("agreement", .number($0.agreement))]) })),
                ("type_changed", .array(changed.map { .object([("column", .string($0.column)), ("baseline", .string($0.baseline.rawValue)), ("head", .string($0.head.rawValue))]) })),
            ]
        } else {
            notes.append("the baseline has no \(config.data.train) to compare with")
        }

        if let holdout = input.headHoldout, let path = config.data.holdout {
            let missing = train.columnNames.filter { holdout.column($0) == nil }
            if !missing.isEmpty { problems.append("\(path) lacks train's \(Self.list(missing))") }
            let retyped = train.columns.compactMap { column -> String? in
                guard let other = holdout.column(column.name), other.kind != column.kind,
                      other.nullCount < other.count else { return nil }
                return "'\(column.name)' (\(column.kind.rawValue) in train, \(other.kind.rawValue) in holdout)"
            }
            if !retyped.isEmpty { problems.append("\(path) types disagree with train: \(retyped.joined(separator: ", "))") }
            details.append(("holdout_missing", .strings(missing)))
        }

        var invalid: [JSONValue] = []
        var files: [String: DataSet] = input.context.head.tables.mapValues(DataSet.memory)
        files["train"] = input.head
        files["holdout"] = input.headHoldout
        for (key, file) in files.sorted(by: { $0.key < $1.key }) {
            for column in file.columns where column.invalidCount > 0 {
                let first = column.firstInvalid
                problems.append("\(column.invalidCount) value(s) in '\(column.name)' of \(key) are not \(column.kind.rawValue)"
                    + (first.map { " (first: '\($0.value)'" + ($0.line > 0 ? " at line \($0.line))" : ")") } ?? ""))
                invalid.append(.object([("file", .string(key)), ("column", .string(column.name)), ("count", .number(Double(column.invalidCount))),
                                        ("first", .string(first?.value ?? "")), ("line", .number(Double(first?.line ?? 0)))]))
            }
        }
        for name in config.datetimeColumns {
            guard case .memory(let table) = input.head, let column = table.column(name), let (codes, levels) = column.categorical else { continue }
            let bad = levels.map { !DateTimeText.isDateTime($0) }
            guard bad.contains(true) else { continue }
            var count = 0, first: (String, Int)?
            for (row, code) in codes.enumerated() where code >= 0 && bad[Int(code)] {
                count += 1
                if first == nil { first = (levels[Int(code)], row + 2) }
            }
            problems.append("\(count) value(s) in '\(name)' of train are not dates or timestamps" + (first.map { " (first: '\($0.0)' at line \($0.1))" } ?? ""))
            invalid.append(.object([("file", .string("train")), ("column", .string(name)), ("count", .number(Double(count))),
                                    ("first", .string(first?.0 ?? "")), ("line", .number(Double(first?.1 ?? 0)))]))
        }
        details.append(("invalid_values", .array(invalid)))

        let changes = notes.filter { $0.hasPrefix("added") || $0.hasPrefix("renamed") || $0.hasPrefix("removed") }
        let status: Status = !problems.isEmpty ? .fail : (changes.isEmpty ? .pass : .warn)
        let message: String
        switch status {
        case .fail: message = (problems + notes).joined(separator: "; ") + ". Restore the columns or update the pipeline that reads them."
        case .warn: message = notes.joined(separator: "; ") + ": the model's inputs changed; check that this is intended."
        default: message = notes.isEmpty ? "\(train.columns.count) columns, same names and types as the baseline" : notes.joined(separator: "; ")
        }
        return CheckResult(id: id, status: status, title: title, message: message,
                           metric: "columns", value: Double(train.columns.count),
                           baseline: input.baseline.map { Double($0.columns.count) },
                           details: .object(details))
    }

    /// Renamed columns, found when both files were read whole (a stream keeps no row values).
    static func renames(_ baseline: DataSet, _ head: DataSet) -> [RenameDetection.Rename] {
        guard case .memory(let old) = baseline, case .memory(let new) = head else { return [] }
        return RenameDetection.renames(from: old, to: new)
    }

    static func list(_ names: [String]) -> String {
        let quoted = names.prefix(8).map { "'\($0)'" }.joined(separator: ", ")
        let more = names.count > 8 ? " and \(names.count - 8) more" : ""
        return "column\(names.count == 1 ? "" : "s") \(quoted)\(more)"
    }
}
