import GateKit

/// `data-validation/leakage`: holdout rows that also appear in train, which make the model's
/// evaluation optimistic. Any warns; more than 1% of the holdout fails.
struct LeakageCheck {
    let input: ValidationInput

    static let failFraction = 0.01

    func result() -> CheckResult {
        let id = "data-validation/leakage"
        let title = "Holdout rows also in train"
        guard let holdout = input.headHoldout, let path = input.configuration.data.holdout else {
            return CheckResult(id: id, status: .skip, title: title, message: "no holdout file is configured (data.holdout); a seeded split of train is used, which cannot leak")
        }
        let head = Self.leaked(train: input.head, holdout: holdout, ignored: input.ignoredColumns)
        let share = Double(head.count) / Double(max(1, holdout.rowCount))
        let baseline = input.baselineLeakedShare
        let details: JSONValue = .object([
            ("leaked", .number(Double(head.count))), ("holdout_rows", .number(Double(holdout.rowCount))), ("fraction", .number(share)),
            ("holdout_lines", .array(head.lines.map { .number(Double($0)) })), ("columns_compared", .number(Double(head.columns))),
        ])
        guard head.count > 0 else {
            return CheckResult(id: id, status: .pass, title: title, message: "no row of \(path) appears in \(input.configuration.data.train)",
                               metric: "leaked_fraction", value: 0, baseline: baseline, threshold: Self.failFraction, details: details)
        }
        let message = "\(head.count) row(s) of \(path) (\(Presentation.fraction(share))) also appear in \(input.configuration.data.train), e.g. line \(head.lines.first ?? 0); evaluation on them overstates the model"
        if share > Self.failFraction {
            let result = CheckResult(id: id, status: .fail, title: title, message: message + "; remove them from one side",
                                     metric: "leaked_fraction", value: share, baseline: baseline, threshold: Self.failFraction, details: details)
            return result.judged(share, against: .atMost(Self.failFraction), baseline: baseline, strict: input.strict)
        }
        return CheckResult(id: id, status: .warn, title: title, message: message, metric: "leaked_fraction", value: share, baseline: baseline,
                           threshold: Self.failFraction, details: details)
    }

    static func leaked(train: DataSet, holdout: DataSet, ignored: Set<String>) -> (count: Int, lines: [Int], columns: Int) {
        let columns = train.columnNames.filter { !ignored.contains($0) && holdout.column($0) != nil }
        // Counted in the engine when the plugin's input was made.
        if case .remote(let set) = holdout, let found = set.foundInTrain { return (found, [], columns.count) }
        let found = FingerprintMembership.found(holdout.rowHashes(columns), in: train.rowHashes(columns))
        var count = 0
        var lines: [Int] = []
        for row in found.indices where found[row] {
            count += 1
            if lines.count < 5 { lines.append(row + 2) }
        }
        return (count, lines, columns.count)
    }
}
