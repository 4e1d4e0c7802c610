import GateKit

/// `data-validation/range/COL`: numeric values outside the declared bounds (fail), or,
/// without bounds, a notable share outside the range the baseline spanned (warn).
struct RangeCheck {
    let input: ValidationInput
    let column: ColumnData

    /// Share of head values outside the baseline's observed range that warns, when no bounds are declared.
    static let undeclaredOutsideShare = 0.01

    func result() -> CheckResult {
        let id = "data-validation/range/\(column.name)"
        let title = "Range of \(column.name)"
        let expectation = input.configuration.expectation(for: column.name)
        let (headMin, headMax) = column.extremes
        var details: [(String, JSONValue)] = [("head_min", .number(headMin)), ("head_max", .number(headMax))]
        let baselineColumn = input.baselineColumn(column)
        let baselineRange = baselineColumn.map(\.extremes)
        if let baselineRange { details += [("baseline_min", .number(baselineRange.0)), ("baseline_max", .number(baselineRange.1))] }

        if expectation?.min != nil || expectation?.max != nil {
            let low = expectation?.min ?? -.infinity, high = expectation?.max ?? .infinity
            let outside = column.outside(low, high)
            details += [("min", .number(expectation?.min)), ("max", .number(expectation?.max)), ("outside", .number(Double(outside.count))),
                        ("examples", .array(outside.examples.map { .number($0) }))]
            let share = Double(outside.count) / Double(max(1, column.validCount))
            guard outside.count > 0 else {
                return CheckResult(id: id, status: .pass, title: title, message: "all values within [\(bound(low)), \(bound(high))]",
                                   metric: "outside_fraction", value: 0, details: .object(details))
            }
            let baselineShare = baselineColumn.map { Double($0.outside(low, high).count) / Double(max(1, $0.validCount)) }
            let result = CheckResult(id: id, status: .fail, title: title,
                                     message: "\(outside.count) value(s) of \(column.name) (\(Presentation.fraction(share))) fall outside the schema's [\(bound(low)), \(bound(high))], e.g. \(outside.examples.prefix(3).map(Presentation.number).joined(separator: ", ")); fix the data or the bounds in schema:",
                                     metric: "outside_fraction", value: share, baseline: baselineShare, threshold: 0, details: .object(details))
            return result.judged(share, against: .atMost(0), baseline: baselineShare, strict: input.strict)
        }
        guard let baselineRange, baselineRange.0.isFinite else {
            return CheckResult(id: id, status: .pass, title: title,
                               message: "values span [\(Presentation.number(headMin)), \(Presentation.number(headMax))]; no bounds declared and no baseline to compare",
                               metric: "outside_fraction", details: .object(details))
        }
        let outside = column.outside(baselineRange.0, baselineRange.1)
        let share = Double(outside.count) / Double(max(1, column.validCount))
        details += [("outside_baseline_range", .number(Double(outside.count))), ("examples", .array(outside.examples.map { .number($0) }))]
        let span = "[\(Presentation.number(baselineRange.0)), \(Presentation.number(baselineRange.1))] → [\(Presentation.number(headMin)), \(Presentation.number(headMax))]"
        if share > Self.undeclaredOutsideShare {
            return CheckResult(id: id, status: .warn, title: title,
                               message: "\(Presentation.fraction(share)) of \(column.name) lies outside the range the baseline spanned (\(span)); declare min/max in schema: to make this a hard rule",
                               metric: "outside_fraction", value: share, baseline: 0, threshold: Self.undeclaredOutsideShare, details: .object(details))
        }
        return CheckResult(id: id, status: .pass, title: title, message: span, metric: "outside_fraction", value: share, baseline: 0,
                           threshold: Self.undeclaredOutsideShare, details: .object(details))
    }

    private func bound(_ value: Double) -> String { value.isInfinite ? (value > 0 ? "∞" : "−∞") : Presentation.number(value) }
}
