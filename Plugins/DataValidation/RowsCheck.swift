import GateKit

/// `data-validation/rows`: how much the training set grew or shrank.
struct RowsCheck {
    let input: ValidationInput

    func result() -> CheckResult {
        let id = "data-validation/rows"
        let head = input.head.rowCount
        var details: [(String, JSONValue)] = [("head_train", .number(Double(head)))]
        if let holdout = input.headHoldout { details.append(("head_holdout", .number(Double(holdout.rowCount)))) }
        guard head > 0 else {
            return CheckResult(id: id, status: .fail, title: "Row count", message: "\(input.configuration.data.train) has no rows at head",
                               metric: "rows", value: 0, baseline: input.baseline.map { Double($0.rowCount) }, details: .object(details))
        }
        guard let baseline = input.baseline?.rowCount, baseline > 0 else {
            return CheckResult(id: id, status: .pass, title: "Row count", message: "\(head) rows; no baseline rows to compare",
                               metric: "rows", value: Double(head), details: .object(details))
        }
        let change = Double(head - baseline) / Double(baseline)
        details.append(("baseline_train", .number(Double(baseline))))
        details.append(("relative_change", .number(change)))
        let limit = input.policy.maxRowChange
        let percent = Presentation.percent(change)
        if abs(change) > limit {
            return CheckResult(id: id, status: .warn, title: "Row count",
                               message: "rows changed by \(percent) (\(baseline) → \(head)), more than the \(Presentation.percent(limit)) that max_row_change allows; check that no part of the data was lost or duplicated",
                               metric: "rows", value: Double(head), baseline: Double(baseline), threshold: limit, details: .object(details))
        }
        return CheckResult(id: id, status: .pass, title: "Row count", message: "\(baseline) → \(head) rows (\(percent))",
                           metric: "rows", value: Double(head), baseline: Double(baseline), threshold: limit, details: .object(details))
    }
}

/// Number formats for messages.
enum Presentation {
    static func percent(_ fraction: Double) -> String { NumberText.signedPercent(fraction) }
    static func fraction(_ value: Double) -> String { NumberText.percent(value) }
    static func number(_ value: Double) -> String { NumberText.number(value) }
}
