import GateKit

/// `data-validation/missing-target`: rows without a label. They are never trained or scored
/// on, so a PR that adds many of them shrinks the data the models learn from without a word;
/// this check says how many there are. Warns when head has a larger share of them than the
/// baseline (or they are new); fails when no training row has a label at all.
struct MissingTargetCheck {
    let input: ValidationInput

    func result() -> CheckResult {
        let id = "data-validation/missing-target"
        let target = input.configuration.target, train = input.configuration.data.train
        let title = "Rows without a target"
        guard let column = input.head.column(target) else {
            return CheckResult(id: id, status: .skip, title: title, message: "the target column '\(target)' is missing; see data-validation/schema")
        }
        let rows = input.head.rowCount, missing = Self.missing(column)
        let share = Double(missing) / Double(max(1, rows))
        let baseline = input.baseline.flatMap { set in set.column(target).map { Double(Self.missing($0)) / Double(max(1, set.rowCount)) } }
        var details: [(String, JSONValue)] = [("rows", .number(Double(rows))), ("missing", .number(Double(missing))), ("fraction", .number(share))]
        var holdoutText = ""
        if let holdout = input.headHoldout, let path = input.configuration.data.holdout, let labels = holdout.column(target) {
            let count = Self.missing(labels)
            details.append(("holdout_missing", .number(Double(count))))
            if count > 0 { holdoutText = "; \(count) of \(path)'s \(holdout.rowCount) rows have none either (not scored)" }
        }
        func result(_ status: Status, _ message: String) -> CheckResult {
            CheckResult(id: id, status: status, title: title, message: message, metric: "missing_fraction", value: share, baseline: baseline,
                        details: .object(details))
        }
        if rows > 0 && missing == rows {
            return result(.fail, "no row of \(train) has a value in the target column '\(target)': there is nothing to train on; label the rows, or point target: at the label column")
        }
        guard missing > 0 || !holdoutText.isEmpty else {
            return result(.pass, "every row of \(train) has a target value")
        }
        let text = "\(missing) of \(rows) rows of \(train) (\(Presentation.fraction(share))) have no value in '\(target)'; they are left out of training and scoring\(holdoutText)"
        if let baseline, share <= baseline + 1e-12 {
            return result(.pass, text + " (the baseline had \(Presentation.fraction(baseline)))")
        }
        return result(.warn, text + (baseline.map { " (the baseline had \(Presentation.fraction($0)))" } ?? ""))
    }

    /// Missing labels: empty or a missing spelling, and values that broke a declared type.
    static func missing(_ column: ColumnData) -> Int { column.nullCount + column.invalidCount }
}
