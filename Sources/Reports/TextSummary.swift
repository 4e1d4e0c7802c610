import GateKit

/// The one-screen summary printed to stdout when no report file is asked for.
public enum TextSummary {
    public static func render(_ report: GateReport, verbose: Bool = false) -> String {
        var lines: [String] = []
        lines.append("mlgate \(report.toolVersion): \(Presentation.verdict(report)) (exit \(report.exitCode))")
        lines.append("baseline \(report.mergeBase.prefix(8)) (merge-base with \(report.base.rev)) → head \(report.head.commit.prefix(8)) (\(report.head.rev)), seed \(report.seed)")
        let checks = Presentation.ordered(report.allChecks)
        let width = min(48, checks.map(\.id.count).max() ?? 0)
        for check in checks where verbose || check.status >= .warn || checks.count <= 20 {
            let label = check.status.rawValue.uppercased().padding(5)
            // What failed or warned is said in full; passes fit one line.
            let message = check.status >= .warn ? check.message : firstSentence(check.message)
            lines.append("  \(label) \(check.id.padding(width))  \(message)")
        }
        lines.append("\(checks.count) checks: \(Presentation.tally(checks))")
        lines.append("reproduce: \(report.command)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// One line for each check that fails the gate (fail or error), for a log beside report files.
    public static func blocking(_ report: GateReport) -> [String] {
        let checks = Presentation.ordered(report.allChecks).filter { $0.status >= .fail }
        let width = min(48, checks.map(\.id.count).max() ?? 0)
        return checks.map { "  \($0.status.rawValue.uppercased().padding(5)) \($0.id.padding(width))  \(firstSentence($0.message))" }
    }

    private static func firstSentence(_ text: String) -> String {
        text.count <= 110 ? text : String(text.prefix(107)) + "…"
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
