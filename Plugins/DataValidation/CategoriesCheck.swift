import GateKit

/// `data-validation/categories/COL`: categories outside the declared set (fail), or, without
/// a declared set, a notable share of rows in categories the baseline never had (warn).
struct CategoriesCheck {
    let input: ValidationInput
    let column: ColumnData
    let profile: CategoricalProfile

    static let undeclaredNewShare = 0.01

    func result() -> CheckResult {
        let id = "data-validation/categories/\(column.name)"
        let title = "Categories of \(column.name)"
        let total = Double(max(1, profile.count))
        let baselineProfile = input.baselineColumn(column).map(\.categoricalProfile)
        var details: [(String, JSONValue)] = [("head_distinct", .number(Double(profile.distinct))),
                                              ("head_top", Self.levels(profile.top(10)))]
        if let baselineProfile { details += [("baseline_distinct", .number(Double(baselineProfile.distinct))), ("baseline_top", Self.levels(baselineProfile.top(10)))] }

        if let allowed = input.configuration.expectation(for: column.name)?.values {
            let allowedSet = Set(allowed)
            let unexpected = profile.counts.filter { !allowedSet.contains($0.level) }
            let rows = unexpected.reduce(0) { $0 + $1.count }
            details += [("allowed", .strings(allowed)), ("unexpected", Self.levels(Array(unexpected.prefix(20))))]
            guard rows > 0 else {
                return CheckResult(id: id, status: .pass, title: title, message: "all \(profile.distinct) categories are among the \(allowed.count) allowed",
                                   metric: "unexpected_fraction", value: 0, details: .object(details))
            }
            let share = Double(rows) / total
            let baselineShare = baselineProfile.map { p in Double(p.counts.filter { !allowedSet.contains($0.level) }.reduce(0) { $0 + $1.count }) / Double(max(1, p.count)) }
            let result = CheckResult(id: id, status: .fail, title: title,
                                     message: "\(rows) row(s) (\(Presentation.fraction(share))) of \(column.name) hold categories the schema does not allow: \(Self.list(unexpected)); fix the data or add them to values: in schema:",
                                     metric: "unexpected_fraction", value: share, baseline: baselineShare, threshold: 0, details: .object(details))
            return result.judged(share, against: .atMost(0), baseline: baselineShare, strict: input.strict)
        }
        guard let baselineProfile else {
            return CheckResult(id: id, status: .pass, title: title, message: "\(profile.distinct) categories; no allowed set declared and no baseline to compare",
                               metric: "new_fraction", details: .object(details))
        }
        if baselineProfile.count < DriftCheck.minValuesPerCategory * baselineProfile.distinct {
            return CheckResult(id: id, status: .pass, title: title,
                               message: "\(baselineProfile.distinct) → \(profile.distinct) categories: too many for the rows to expect each to recur, so new ones are normal here; declare values: in schema: to check them",
                               metric: "new_fraction", details: .object(details))
        }
        let known = Set(baselineProfile.counts.map(\.level))
        let new = profile.counts.filter { !known.contains($0.level) }
        let gone = baselineProfile.counts.filter { level in !profile.counts.contains { $0.level == level.level } }
        let share = Double(new.reduce(0) { $0 + $1.count }) / total
        details += [("new", Self.levels(Array(new.prefix(20)))), ("gone", Self.levels(Array(gone.prefix(20))))]
        if share > Self.undeclaredNewShare {
            return CheckResult(id: id, status: .warn, title: title,
                               message: "\(Presentation.fraction(share)) of rows hold categories the baseline never had: \(Self.list(new)); a model trained before has not seen them",
                               metric: "new_fraction", value: share, baseline: 0, threshold: Self.undeclaredNewShare, details: .object(details))
        }
        var message = "\(baselineProfile.distinct) → \(profile.distinct) categories"
        if !new.isEmpty { message += "; new: \(Self.list(new))" }
        if !gone.isEmpty { message += "; gone: \(Self.list(gone))" }
        return CheckResult(id: id, status: .pass, title: title, message: message, metric: "new_fraction", value: share, baseline: 0,
                           threshold: Self.undeclaredNewShare, details: .object(details))
    }

    static func levels(_ counts: [(level: String, count: Int)]) -> JSONValue {
        .array(counts.map { .object([("level", .string($0.level)), ("count", .number(Double($0.count)))]) })
    }

    static func list(_ counts: [(level: String, count: Int)]) -> String {
        let shown = counts.prefix(5).map { "'\($0.level)' (\($0.count))" }.joined(separator: ", ")
        return counts.count > 5 ? shown + " and \(counts.count - 5) more" : shown
    }
}
