import GateKit

/// `data-validation/nulls/COL`: missing values rising, or above what the schema allows.
struct NullsCheck {
    let input: ValidationInput
    let column: ColumnData

    func result() -> CheckResult {
        let id = "data-validation/nulls/\(column.name)"
        let title = "Missing values in \(column.name)"
        let head = fraction(column)
        let baselineColumn = input.baselineColumn(named: column.name)
        let baseline = baselineColumn.map(fraction)
        let declared = input.configuration.expectation(for: column.name)?.maxNullFraction
        var details: [(String, JSONValue)] = [("head_nulls", .number(Double(column.nullCount))), ("head_rows", .number(Double(column.count)))]
        if let baselineColumn { details += [("baseline_nulls", .number(Double(baselineColumn.nullCount))), ("baseline_rows", .number(Double(baselineColumn.count)))] }
        if let declared { details.append(("max_null_fraction", .number(declared))) }

        if let declared, head > declared {
            let result = CheckResult(id: id, status: .fail, title: title,
                                     message: "\(Presentation.fraction(head)) of \(column.name) is missing, above the schema's max_null_fraction \(Presentation.fraction(declared)); fix the pipeline or raise the limit in schema:",
                                     metric: "null_fraction", value: head, baseline: baseline, threshold: declared, details: .object(details))
            return result.judged(head, against: .atMost(declared), baseline: baseline, strict: input.strict)
        }
        if let baseline, head - baseline > input.policy.maxNullIncrease {
            return CheckResult(id: id, status: .fail, title: title,
                               message: "missing values in \(column.name) rose from \(Presentation.fraction(baseline)) to \(Presentation.fraction(head)), more than max_null_increase \(Presentation.fraction(input.policy.maxNullIncrease)); a join or an upstream export may be broken",
                               metric: "null_fraction", value: head, baseline: baseline, threshold: baseline + input.policy.maxNullIncrease,
                               details: .object(details))
        }
        let message = baseline.map { "\(Presentation.fraction($0)) → \(Presentation.fraction(head)) missing" } ?? "\(Presentation.fraction(head)) missing"
        return CheckResult(id: id, status: .pass, title: title, message: message, metric: "null_fraction", value: head, baseline: baseline,
                           threshold: declared ?? baseline.map { $0 + input.policy.maxNullIncrease }, details: .object(details))
    }

    private func fraction(_ column: ColumnData) -> Double {
        column.count == 0 ? 0 : Double(column.nullCount) / Double(column.count)
    }
}
