import GateKit

/// Wording and number formats shared by the human-readable reports.
enum Presentation {
    static func icon(_ status: Status) -> String {
        switch status {
        case .pass: "✅"
        case .warn: "⚠️"
        case .fail: "❌"
        case .error: "🛑"
        case .skip: "⏭️"
        }
    }

    static func verdict(_ report: GateReport) -> String {
        switch report.status {
        case .fail, .error: "gate failed"
        case .warn: "gate passed with warnings"
        case .pass: "gate passed"
        case .skip: "nothing to judge"
        }
    }

    /// "1 failed, 2 warnings, 5 passed" — the non-zero counts, worst first.
    static func tally(_ checks: [CheckResult]) -> String {
        let order: [(Status, String, String)] = [(.error, "error", "errors"), (.fail, "failed", "failed"),
                                                 (.warn, "warning", "warnings"), (.pass, "passed", "passed"),
                                                 (.skip, "skipped", "skipped")]
        let parts = order.compactMap { status, one, many -> String? in
            let n = checks.filter { $0.status == status }.count
            return n == 0 ? nil : "\(n) \(n == 1 ? one : many)"
        }
        return parts.isEmpty ? "no checks" : parts.joined(separator: ", ")
    }

    /// A number as a reviewer reads it (`NumberText`, as every message writes numbers).
    static func number(_ value: Double?) -> String { NumberText.number(value) }

    /// head − baseline with its sign, or "—".
    static func change(_ check: CheckResult) -> String {
        guard let value = check.value, let baseline = check.baseline, value.isFinite, baseline.isFinite else { return "—" }
        let delta = value - baseline
        if delta == 0 { return "±0" }
        return (delta > 0 ? "+" : "−") + number(abs(delta))
    }

    /// Checks ordered as reviewers read them: errors and failures, then warnings, then the rest.
    static func ordered(_ checks: [CheckResult]) -> [CheckResult] {
        checks.enumerated().sorted { a, b in
            a.element.status != b.element.status ? a.element.status > b.element.status : a.offset < b.offset
        }.map(\.element)
    }
}

extension Double {
    /// Fixed-point text without Foundation's locale-dependent formatting.
    func formatted(decimals: Int) -> String { NumberText.fixed(self, decimals: decimals) }
}
