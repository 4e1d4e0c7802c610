import GateKit
import XMLWriting

/// JUnit XML (SPEC §4), the Surefire dialect that CI test viewers read, written with libxml2.
///
/// One `<testsuite name="mlgate.PLUGIN">` per plugin, one `<testcase>` per check:
/// fail → `<failure>`, error → `<error>`, skip → `<skipped>`, warn → passes with the warning
/// in `<system-out>`.
public enum JUnitReport {
    public static func render(_ report: GateReport) throws -> [UInt8] {
        let xml = try XMLWriter()
        try xml.startElement("testsuites")
        try xml.attribute("name", "mlgate")
        try counts(report.allChecks, time: report.durationSeconds, into: xml, root: true)
        for plugin in report.plugins {
            try xml.startElement("testsuite")
            try xml.attribute("name", "mlgate.\(plugin.name)")
            try counts(plugin.checks, time: plugin.durationSeconds, into: xml)
            for check in plugin.checks { try testcase(check, plugin: plugin.name, into: xml) }
            try xml.endElement()
        }
        try xml.endElement()
        return try xml.finish()
    }

    /// Counts as attributes; the schema allows `skipped` on suites only, not on the root.
    private static func counts(_ checks: [CheckResult], time: Double, into xml: XMLWriter, root: Bool = false) throws {
        try xml.attribute("tests", String(checks.count))
        try xml.attribute("failures", String(checks.filter { $0.status == .fail }.count))
        try xml.attribute("errors", String(checks.filter { $0.status == .error }.count))
        if !root { try xml.attribute("skipped", String(checks.filter { $0.status == .skip }.count)) }
        try xml.attribute("time", seconds(time))
    }

    private static func testcase(_ check: CheckResult, plugin: String, into xml: XMLWriter) throws {
        try xml.startElement("testcase")
        try xml.attribute("classname", "mlgate.\(plugin)")
        try xml.attribute("name", check.localID)
        try xml.attribute("time", "0.000")
        let body = [check.title, check.message, numbers(check)].filter { !$0.isEmpty }.joined(separator: "\n")
        switch check.status {
        case .fail: try xml.element("failure", attributes: [("type", "mlgate.fail"), ("message", check.message)], text: body)
        case .error: try xml.element("error", attributes: [("type", "mlgate.error"), ("message", check.message)], text: body)
        case .skip: try xml.element("skipped", attributes: [("message", check.message)])
        case .warn: try xml.element("system-out", text: "WARNING: " + body)
        case .pass: try xml.element("system-out", text: body)
        }
        try xml.endElement()
    }

    private static func numbers(_ check: CheckResult) -> String {
        var parts: [String] = []
        if let metric = check.metric { parts.append("metric: \(metric)") }
        if let baseline = check.baseline { parts.append("baseline: \(JSONEncoding.number(baseline))") }
        if let value = check.value { parts.append("head: \(JSONEncoding.number(value))") }
        if let threshold = check.threshold { parts.append("threshold: \(JSONEncoding.number(threshold))") }
        return parts.joined(separator: ", ")
    }

    /// Surefire's time format: seconds with at most three decimals.
    static func seconds(_ value: Double) -> String {
        let millis = Int((max(0, value) * 1000).rounded())
        let fraction = String(millis % 1000)
        return "\(millis / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}
