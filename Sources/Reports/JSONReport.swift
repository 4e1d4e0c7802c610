import Foundation
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
        ] + (report.shard.map { [("shard", JSONValue.string($0)), ("plugin_order", .strings(report.pluginOrder ?? []))] } ?? []))
    }

    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads a report back (for `mlgate merge`).
    public static func parse(_ bytes: [UInt8], name: String) throws(ParseError) -> GateReport {
        guard let root = try? JSONValue.parse(bytes) else {
            throw ParseError(description: "\(name) is not JSON")
        }
        guard root["schema"]?.stringValue == GateReport.schema else {
            throw ParseError(description: "\(name) is not an mlgate report (schema \(GateReport.schema))")
        }
        func revision(_ key: String) -> GateReport.Revision {
            .init(rev: root[key]?["rev"]?.stringValue ?? "", commit: root[key]?["commit"]?.stringValue ?? "")
        }
        let plugins = (root["plugins"]?.arrayValue ?? []).map { plugin in
            PluginResult(name: plugin["name"]?.stringValue ?? "", checks: (plugin["checks"]?.arrayValue ?? []).map { check in
                CheckResult(id: check["id"]?.stringValue ?? "", status: check["status"]?.stringValue.flatMap(Status.init(rawValue:)) ?? .error,
                            title: check["title"]?.stringValue ?? "", message: check["message"]?.stringValue ?? "",
                            metric: check["metric"]?.stringValue, value: check["value"]?.numberValue, baseline: check["baseline"]?.numberValue,
                            threshold: check["threshold"]?.numberValue, details: check["details"] ?? .object([]),
                            preexisting: check["preexisting"]?.boolValue ?? false)
            }, durationSeconds: plugin["duration_seconds"]?.numberValue ?? 0)
        }
        return GateReport(toolVersion: root["tool"]?["version"]?.stringValue ?? "", base: revision("base"), head: revision("head"),
                          mergeBase: root["merge_base"]?.stringValue ?? "", seed: UInt64(root["seed"]?.numberValue ?? 0),
                          durationSeconds: root["duration_seconds"]?.numberValue ?? 0,
                          policy: .init(source: root["policy"]?["source"]?.stringValue ?? "", changed: root["policy"]?["changed"]?.boolValue ?? false),
                          plugins: plugins, changedPaths: root["changed_paths"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                          command: root["command"]?.stringValue ?? "", shard: root["shard"]?.stringValue,
                          pluginOrder: root["plugin_order"]?.arrayValue?.compactMap(\.stringValue))
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
