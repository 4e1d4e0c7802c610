import GateKit

/// The JSON report (SPEC §4, schema `mlgate.report/v1`).
public enum JSONReport {
    public static func render(_ report: GateReport) -> String {
        JSONEncoding.encode(value(report))
    }

    public static func value(_ report: GateReport) -> JSONValue {
        .object([
            ("schema", .string(GateReport.schema)),
            ("tool", .object([("name", .string(report.toolName)), ("version", .string(report.toolVersion))])),
            ("base", revision(report.base)),
            ("head", revision(report.head)),
            ("merge_base", .string(report.mergeBase)),
            ("status", .string(report.status.rawValue)),
            ("seed", .number(Double(report.seed))),
            ("duration_seconds", .number(rounded(report.durationSeconds))),
            ("policy", .object([("source", .string(report.policy.source)), ("changed", .bool(report.policy.changed))])),
            ("command", .string(report.command)),
            ("changed_paths", .strings(report.changedPaths)),
            ("plugins", .array(report.plugins.map(plugin))),
        ])
    }

    private static func revision(_ revision: GateReport.Revision) -> JSONValue {
        .object([("rev", .string(revision.rev)), ("commit", .string(revision.commit))])
    }

    private static func plugin(_ plugin: PluginResult) -> JSONValue {
        .object([
            ("name", .string(plugin.name)),
            ("status", .string(plugin.status.rawValue)),
            ("duration_seconds", .number(rounded(plugin.durationSeconds))),
            ("checks", .array(plugin.checks.map(check))),
        ])
    }

    public static func check(_ check: CheckResult) -> JSONValue {
        .object([
            ("id", .string(check.id)),
            ("status", .string(check.status.rawValue)),
            ("title", .string(check.title)),
            ("message", .string(check.message)),
            ("metric", check.metric.map(JSONValue.string) ?? .null),
            ("value", .number(check.value)),
            ("baseline", .number(check.baseline)),
            ("threshold", .number(check.threshold)),
            ("preexisting", .bool(check.preexisting)),
            ("details", check.details),
        ])
    }

    /// Durations to the millisecond: finer digits are noise.
    private static func rounded(_ seconds: Double) -> Double { (seconds * 1000).rounded() / 1000 }
}
