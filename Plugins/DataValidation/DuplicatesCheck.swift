import GateKit

/// `data-validation/duplicates`: rows of head's training data that repeat an earlier row
/// (ignored id columns left out). Warns above 5%, Deepchecks' default.
struct DuplicatesCheck {
    let input: ValidationInput

    static let warnFraction = 0.05

    func result() -> CheckResult {
        let id = "data-validation/duplicates"
        let title = "Duplicate rows"
        let columns = input.head.columnNames.filter { !input.ignoredColumns.contains($0) }
        let head = Self.duplicates(input.head, columns: columns)
        let share = Double(head.count) / Double(max(1, input.head.rowCount))
        let baseline = input.baseline.map { table -> Double in
            Double(Self.duplicates(table, columns: columns.filter { table.column($0) != nil }).count) / Double(max(1, table.rowCount))
        }
        let details: JSONValue = .object([
            ("duplicates", .number(Double(head.count))), ("rows", .number(Double(input.head.rowCount))),
            ("fraction", .number(share)), ("examples", .array(head.examples.map { .object([("line", .number(Double($0.line))), ("same_as_line", .number(Double($0.firstLine)))]) })),
            ("columns_compared", .number(Double(columns.count))),
        ])
        if share > Self.warnFraction {
            var result = CheckResult(id: id, status: .warn, title: title,
                                     message: "\(head.count) rows (\(Presentation.fraction(share))) repeat an earlier row, e.g. line \(head.examples.first?.line ?? 0) = line \(head.examples.first?.firstLine ?? 0); duplicates weigh some examples more than others",
                                     metric: "duplicate_fraction", value: share, baseline: baseline, threshold: Self.warnFraction, details: details)
            if let baseline, baseline >= share { result.preexisting = true; result.message += " The baseline has as many." }
            return result
        }
        return CheckResult(id: id, status: .pass, title: title, message: "\(head.count) duplicate rows (\(Presentation.fraction(share)))",
                           metric: "duplicate_fraction", value: share, baseline: baseline, threshold: Self.warnFraction, details: details)
    }

    /// Count of rows equal to an earlier one, with the first few (1-based data lines, header = line 1).
    static func duplicates(_ table: Table, columns: [String]) -> (count: Int, examples: [(line: Int, firstLine: Int)]) {
        let hashes = RowHashing.hashes(table, columns: columns)
        var first: [UInt64: Int] = [:]
        first.reserveCapacity(hashes.count)
        var count = 0
        var examples: [(Int, Int)] = []
        for (row, hash) in hashes.enumerated() {
            if let earlier = first[hash] {
                count += 1
                if examples.count < 5 { examples.append((row + 2, earlier + 2)) }
            } else {
                first[hash] = row
            }
        }
        return (count, examples)
    }
}
