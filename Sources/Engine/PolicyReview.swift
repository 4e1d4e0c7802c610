import GateKit

/// Decides which `checks:` section is in force and reports a pull request that changes it.
///
/// The policy is what a pull request is judged by, so it must come from the reviewed side:
/// the baseline. A change to it is shown as a diff and fails `policy/changed`, unless the
/// run is told the change is approved (`--allow-policy-change`), when head's policy applies.
struct PolicyReview {
    let baseline: ConfigurationLoader.Loaded?
    let head: ConfigurationLoader.Loaded
    let allowChange: Bool
    let configPath: String

    var changed: Bool {
        guard let baseline else { return false }
        return baseline.configuration.checks != head.configuration.checks
    }

    /// The policy the plugins apply.
    var policy: Policy {
        guard let baseline, !(changed && allowChange) else { return head.configuration.checks }
        return baseline.configuration.checks
    }

    /// `baseline` or `head`: where the applied policy came from, for the report.
    var source: String {
        baseline == nil || (changed && allowChange) ? "head" : "baseline"
    }

    func check() -> CheckResult {
        let id = "policy/changed"
        let title = "Policy (checks: in \(configPath))"
        guard let baseline else {
            return CheckResult(id: id, status: .skip, title: title,
                               message: "the baseline has no \(configPath); head's policy applies as proposed")
        }
        guard changed else {
            return CheckResult(id: id, status: .pass, title: title, message: "unchanged; the baseline's policy applies")
        }
        let diff = Self.lineDiff(old: baseline.checksText, new: head.checksText)
        let details: JSONValue = .object([("diff", .strings(diff)), ("allowed", .bool(allowChange))])
        if allowChange {
            return CheckResult(id: id, status: .warn, title: title,
                               message: "this pull request changes the gate's policy; allowed by --allow-policy-change, so head's policy applies",
                               details: details)
        }
        return CheckResult(id: id, status: .fail, title: title,
                           message: "this pull request changes the gate's policy, so it was judged by the baseline's; a maintainer can approve the change by running with --allow-policy-change",
                           details: details)
    }

    /// A minimal line diff (`- old` / `+ new`), enough to show a reviewer what moved.
    static func lineDiff(old: String, new: String) -> [String] {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Longest common subsequence table; policies are a few dozen lines.
        var lcs = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var out: [String] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                i += 1; j += 1
            } else if j < b.count, i == a.count || lcs[i][j + 1] >= lcs[i + 1][j] {
                if !b[j].isEmpty { out.append("+ \(b[j])") }
                j += 1
            } else {
                if !a[i].isEmpty { out.append("- \(a[i])") }
                i += 1
            }
        }
        return out
    }
}
