import GateKit

/// `data-validation/constant/COL`: a feature that varied at the baseline holds a single value at
/// head. A model learns nothing from it, and it usually means a pipeline step was dropped (a
/// join that matched nothing, a default written everywhere). Warns; reported only then, so that
/// a report does not list a pass for every column twice over.
struct ConstantCheck {
    let input: ValidationInput
    let column: ColumnData

    func result() -> CheckResult? {
        // The cheap test first: only a constant column needs its values counted.
        guard column.isSingleValued, let baseline = input.baselineColumn(column), !baseline.isSingleValued else { return nil }
        let head = column.categoricalProfile, before = baseline.distinct
        let id = "data-validation/constant/\(column.name)", title = "Values of \(column.name)"
        let details: JSONValue = .object([("head_distinct", .number(Double(head.distinct))), ("baseline_distinct", .number(Double(before)))])
        guard head.distinct <= 1, before > 1, column.validCount > 0 else { return nil }
        let value = head.counts.first?.level ?? ""
        return CheckResult(id: id, status: .warn, title: title,
                           message: "every value of \(column.name) is '\(value)' at head, where the baseline had \(before) distinct values: a model learns nothing from it; check the step that fills it",
                           metric: "distinct", value: Double(head.distinct), baseline: Double(before), details: details)
    }
}
