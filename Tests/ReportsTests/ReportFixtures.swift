import GateKit

/// A report that holds every status, awkward text and a policy diff: what the writers must cope with.
enum ReportFixtures {
    static func report(extraChecks: Int = 0) -> GateReport {
        var checks = [
            CheckResult(id: "data-validation/schema", status: .fail, title: "Schema of data/train.csv",
                        message: "removed column 'credit_score' <b>|</b> & \"quotes\"\u{1}", metric: "columns", value: 7, baseline: 8,
                        details: ["removed": ["credit_score"]]),
            CheckResult(id: "data-validation/drift/age", status: .warn, title: "Drift of age", message: "PSI 0.14 above 0.1",
                        metric: "psi", value: 0.1412345, baseline: 0, threshold: 0.1, preexisting: true),
            CheckResult(id: "data-validation/rows", status: .pass, title: "Rows", message: "600 → 612", value: 612, baseline: 600),
            CheckResult(id: "data-validation/nulls/age", status: .skip, title: "Nulls of age", message: "no baseline data"),
            CheckResult(id: "data-validation/leakage", status: .error, title: "Leakage", message: "could not hash rows: ünïcödé"),
        ]
        for i in 0..<extraChecks {
            checks.append(CheckResult(id: "data-validation/range/column_\(i)", status: i % 2 == 0 ? .warn : .pass,
                                      title: "Range of column_\(i) " + String(repeating: "x", count: 40),
                                      message: String(repeating: "a long message ", count: 20), value: Double(i), baseline: 1,
                                      details: ["values": .array((0..<30).map { .number(Double($0)) })]))
        }
        return GateReport(
            toolVersion: "0.1.0",
            base: .init(rev: "origin/main", commit: String(repeating: "a", count: 40)),
            head: .init(rev: "HEAD", commit: String(repeating: "b", count: 40)),
            mergeBase: String(repeating: "c", count: 40), seed: 42, durationSeconds: 1.23456,
            policy: .init(source: "baseline", changed: true),
            plugins: [
                PluginResult(name: "policy", checks: [CheckResult(id: "policy/changed", status: .fail, title: "Policy", message: "changed",
                                                                  details: ["diff": ["-     fail: 0.25", "+     fail: 0.9"]])], durationSeconds: 0),
                PluginResult(name: "data-validation", checks: checks, durationSeconds: 0.5),
            ],
            changedPaths: ["data/train.csv", "mlgate.yml"],
            command: "mlgate check --base aaaaaaaaaaaa --head bbbbbbbbbbbb --seed 42")
    }
}
