import GateKit

/// What the PR did to one data file: rows added, removed and kept (matched by content), what
/// sets the added and the removed rows apart, a few of them by line, and columns added or
/// removed with their fill and distribution.
struct DataChange {
    let key: String
    let path: String
    let baseline: Table
    let head: Table
    let matching: RowMatching
    let renames: [RenameDetection.Rename]
    /// Columns the descriptions may use (not ids or other ignored columns).
    let describable: Set<String>
    let examples: Int

    /// - Parameter fingerprints: when either side's file is larger than memory and the tables are
    ///   samples, each whole file's row fingerprints over the columns both have (`fingerprints`
    ///   is given those columns and returns the two arrays), for exact counts.
    init(key: String, path: String, baseline: Table, head: Table, target: String, ignored: Set<String>, examples: Int,
         fingerprints: (([(head: String, baseline: String)]) -> (baseline: [UInt64], head: [UInt64])?)? = nil) {
        self.key = key
        self.path = path
        self.baseline = baseline
        self.head = head
        renames = RenameDetection.renames(from: baseline, to: head)
        if let fingerprints, let whole = fingerprints(RowMatching.commonColumns(baseline: baseline, head: head, renames: renames)) {
            matching = RowMatching(baselineSample: baseline, headSample: head, renames: renames,
                                   baselineFingerprints: whole.baseline, headFingerprints: whole.head)
        } else {
            matching = RowMatching(baseline: baseline, head: head, renames: renames, target: target)
        }
        describable = Set(matching.columns.map(\.head)).subtracting(ignored)
        self.examples = examples
    }

    /// Rows kept below which the groups are compared with each other instead (a PR that
    /// replaces a file's rows keeps none).
    static let minimumKept = 30

    var added: GroupDescription {
        let columns = matching.columns.filter { describable.contains($0.head) }
        if matching.keptHead.count < Self.minimumKept, !matching.removed.isEmpty {
            return GroupDescription(group: matching.added, in: head, kept: matching.removed, in: baseline, columns: columns.map { ($0.head, $0.baseline) },
                                    reference: "removed rows")
        }
        return GroupDescription(group: matching.added, in: head, kept: matching.keptHead, in: head, columns: columns.map { ($0.head, $0.head) })
    }

    var removed: GroupDescription {
        let columns = matching.columns.filter { describable.contains($0.head) }
        if matching.keptHead.count < Self.minimumKept, !matching.added.isEmpty {
            return GroupDescription(group: matching.removed, in: baseline, kept: matching.added, in: head, columns: columns.map { ($0.baseline, $0.head) },
                                    reference: "added rows")
        }
        return GroupDescription(group: matching.removed, in: baseline, kept: matching.keptBaseline, in: baseline, columns: columns.map { ($0.baseline, $0.baseline) })
    }

    func check(id: String, baselineLabel: String, headLabel: String) -> CheckResult {
        let added = matching.added.isEmpty ? nil : self.added
        let removed = matching.removed.isEmpty ? nil : self.removed
        var parts: [String]
        if let exact = matching.exact {
            parts = ["\(exact.kept) rows kept, \(exact.added) added, \(exact.removed) removed (every row counted; edits are not told apart "
                     + "from added and removed rows, and the rows below are those of the seeded samples: \(head.rowCount) at head, \(baseline.rowCount) at the baseline)"]
        } else {
            parts = ["\(matching.keptHead.count) rows kept, \(matching.edited.count) edited, \(matching.added.count) added, \(matching.removed.count) removed"]
        }
        let edits = editsByColumn()
        if !edits.isEmpty {
            parts.append("\(matching.edited.count) edited row\(matching.edited.count == 1 ? "" : "s"): " + edits.prefix(3).map { edit in
                "\(edit.column) in \(edit.rows) (" + edit.changes.prefix(3).map { "\(Self.shown($0.from)) → \(Self.shown($0.to)): \($0.rows)" }.joined(separator: ", ")
                    + (edit.changes.count > 3 ? ", …" : "") + ")"
            }.joined(separator: "; "))
        }
        if let added { parts.append(added.sentence("added")) }
        if let removed { parts.append(removed.sentence("removed")) }
        let newColumns = head.columnNames.filter { name in !matching.columns.contains { $0.head == name } }
        let oldColumns = baseline.columnNames.filter { name in !matching.columns.contains { $0.baseline == name } }
        if !newColumns.isEmpty { parts.append("columns added: " + newColumns.map { "\($0) (\(Self.distribution(head.column($0)!)))" }.joined(separator: "; ")) }
        if !oldColumns.isEmpty { parts.append("columns removed: " + oldColumns.map { "\($0) (\(Self.distribution(baseline.column($0)!)))" }.joined(separator: "; ")) }

        var details: [(String, JSONValue)] = [
            ("file", .string(path)),
            ("baseline_rows", .number(Double(matching.exact.map { $0.kept + $0.removed } ?? baseline.rowCount))),
            ("head_rows", .number(Double(matching.exact.map { $0.kept + $0.added } ?? head.rowCount))),
            ("sampled", .bool(matching.exact != nil)),
            ("kept", .number(Double(matching.exact?.kept ?? matching.keptHead.count))),
            ("added", .number(Double(matching.exact?.added ?? matching.added.count))),
            ("removed", .number(Double(matching.exact?.removed ?? matching.removed.count))), ("edited", .number(Double(matching.edited.count))),
            ("matched_on", .array(matching.columns.map { .string($0.head) })),
        ]
        if !edits.isEmpty {
            details.append(("edited_rows", .array(edits.map { edit in
                .object([("column", .string(edit.column)), ("rows", .number(Double(edit.rows))),
                         ("changes", .array(edit.changes.prefix(10).map { .object([("from", .string($0.from)), ("to", .string($0.to)), ("rows", .number(Double($0.rows)))]) })),
                         ("examples", .array(edit.examples.prefix(examples).map { .object([("line", .number(Double($0.head + 2))), ("baseline_line", .number(Double($0.baseline + 2)))]) }))])
            })))
        }
        if let added { details.append(("added_rows", group(added, noun: "added", rows: matching.added, table: head, label: headLabel, names: { $0 }))) }
        if let removed {
            let headName = Dictionary(matching.columns.map { ($0.baseline, $0.head) }, uniquingKeysWith: { a, _ in a })
            details.append(("removed_rows", group(removed, noun: "removed", rows: matching.removed, table: baseline, label: baselineLabel, names: { headName[$0] ?? $0 })))
        }
        if !newColumns.isEmpty { details.append(("columns_added", .array(newColumns.map { Self.columnSummary(head.column($0)!) }))) }
        if !oldColumns.isEmpty { details.append(("columns_removed", .array(oldColumns.map { Self.columnSummary(baseline.column($0)!) }))) }
        return CheckResult(id: id, status: .pass, title: "What changed in \(path)", message: parts.joined(separator: ". "),
                           details: .object(details))
    }

    /// Edited rows by the column that changed, most first, with the commonest changes of value.
    private func editsByColumn() -> [(column: String, rows: Int, changes: [(from: String, to: String, rows: Int)], examples: [RowMatching.Edit])] {
        var byColumn: [String: [RowMatching.Edit]] = [:]
        for edit in matching.edited { byColumn[edit.column, default: []].append(edit) }
        let renamed = Dictionary(matching.columns.map { ($0.head, $0.baseline) }, uniquingKeysWith: { a, _ in a })
        return byColumn.map { column, edits in
            var changes: [String: (from: String, to: String, rows: Int)] = [:]
            let old = baseline.column(renamed[column] ?? column), new = head.column(column)
            for edit in edits {
                let from = old?.text(at: edit.baseline) ?? "", to = new?.text(at: edit.head) ?? ""
                changes["\(from)\u{0}\(to)", default: (from, to, 0)].rows += 1
            }
            return (column, edits.count, changes.values.sorted { ($0.rows, $1.from, $1.to) > ($1.rows, $0.from, $0.to) }, edits)
        }.sorted { ($0.rows, $1.column) > ($1.rows, $0.column) }
    }

    /// A value as a message shows it: "(missing)" for none.
    static func shown(_ text: String) -> String { text.isEmpty ? "(missing)" : text }

    /// One group's numbers, sentence, conditions and example lines (values only of the columns
    /// that describe it: a handful of values, nothing else of the data).
    private func group(_ description: GroupDescription, noun: String, rows: [Int], table: Table, label: String, names: (String) -> String) -> JSONValue {
        let columns = description.conditions.map(\.column)
        let examples: [JSONValue] = rows.prefix(examples).map { row in
            .object([("line", .number(Double(row + 2))), ("file", .string(label)),
                     ("values", .object(columns.prefix(4).map { name in (names(name), .string(table.column(name)?.text(at: row) ?? "")) }))])
        }
        return .object([
            ("rows", .number(Double(rows.count))),
            ("summary", .string(description.sentence(noun))), ("compared_with", .string(description.reference)),
            ("conditions", .array(description.conditions.map { c in
                .object([("column", .string(names(c.column))), ("condition", .string(c.text)), ("rows", .number(Double(c.count))),
                         ("share", .number(c.groupShare)), ("reference_share", .number(c.keptShare))])
            })),
            ("examples", .array(examples)),
        ])
    }

    /// "fill 96%, median 41 (18–90)" or "fill 100%, north 41%, south 30%, east 20%".
    static func distribution(_ column: Column) -> String {
        let fill = "fill " + NumberText.percent(column.count == 0 ? 0 : Double(column.count - column.nullCount) / Double(column.count))
        switch column.storage {
        case .numeric(let values):
            let present = values.filter { !$0.isNaN }.sorted()
            guard let low = present.first, let high = present.last else { return fill }
            return fill + ", median \(NumberText.number(present[present.count / 2])) (\(NumberText.number(low))–\(NumberText.number(high)))"
        case .categorical:
            let counts = GroupDescription.textCounts(Array(0..<column.count), column).filter { !$0.key.isEmpty }
            let top = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(3)
            return fill + ", " + top.map { "\($0.key) \(NumberText.percent(Double($0.value) / Double(max(column.count, 1))))" }.joined(separator: ", ")
                + (counts.count > 3 ? " (\(counts.count) values)" : "")
        }
    }

    static func columnSummary(_ column: Column) -> JSONValue {
        .object([("column", .string(column.name)), ("kind", .string(column.kind.rawValue)),
                 ("fill", .number(column.count == 0 ? 0 : Double(column.count - column.nullCount) / Double(column.count))),
                 ("distribution", .string(distribution(column)))])
    }
}
