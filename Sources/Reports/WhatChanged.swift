import GateKit

/// The "What changed" section of the Markdown and HTML reports, read from the explain plugin's
/// checks: the data change per file, the flip table, the slices where the candidate is worse,
/// the attribution change and the label issues. Nil when the run has no explain checks.
struct WhatChanged {
    struct Flips {
        let bothRight: Int, bothWrong: Int, fixed: Int, broken: Int
        let rate: Double
        let low: Double?, high: Double?
        let tolerance: Double?
        let status: Status
    }

    struct Slice {
        let text: String
        let rows: Int
        let metric: String
        let baseline: Double, candidate: Double
        let lossDifference: Double
        let low: Double?, high: Double?
    }

    struct Attribution {
        let features: [(name: String, baseline: Double, candidate: Double)]
        let shift: Double
        let status: Status
    }

    /// One line per data file: its check's message.
    let data: [(file: String, summary: String)]
    let flips: Flips?
    let slices: [Slice]
    let loss: String?
    let attribution: Attribution?
    let labelIssues: (message: String, status: Status)?
    /// Why the two models were not compared, when they were not (negative-flips' skip).
    let notCompared: String?

    init?(_ report: GateReport) {
        guard let plugin = report.plugins.first(where: { $0.name == "explain" }), !plugin.checks.isEmpty else { return nil }
        func check(_ id: String) -> CheckResult? { plugin.checks.first { $0.id == "explain/\(id)" } }
        data = plugin.checks.filter { $0.id.hasPrefix("explain/data-change/") && $0.status != .skip }.map { check in
            (check.details["file"]?.stringValue ?? check.localID, check.message)
        }
        notCompared = check("negative-flips").flatMap { $0.status == .skip ? $0.message : nil }
        if let c = check("negative-flips"), c.status != .skip, let d = Optional(c.details) {
            let n = { (key: String) in Int(d[key]?.numberValue ?? 0) }
            flips = Flips(bothRight: n("both_right"), bothWrong: n("both_wrong"), fixed: n("fixed"), broken: n("broken"),
                          rate: d["negative_flip_rate"]?.numberValue ?? 0, low: d["ci_low"]?.numberValue, high: d["ci_high"]?.numberValue,
                          tolerance: d["tolerance"]?.numberValue, status: c.status)
        } else {
            flips = nil
        }
        let slices = check("worse-slices").flatMap { $0.status == .skip ? nil : $0 }
        loss = slices?.details["loss"]?.stringValue
        self.slices = (slices?.details["slices"]?.arrayValue ?? []).map { s in
            Slice(text: s["slice"]?.stringValue ?? "?", rows: Int(s["rows"]?.numberValue ?? 0), metric: s["metric"]?.stringValue ?? "",
                  baseline: s["baseline"]?.numberValue ?? .nan, candidate: s["candidate"]?.numberValue ?? .nan,
                  lossDifference: s["loss_difference"]?.numberValue ?? .nan, low: s["ci_low"]?.numberValue, high: s["ci_high"]?.numberValue)
        }
        if let c = check("attribution-shift"), c.status != .skip {
            attribution = Attribution(features: (c.details["features"]?.arrayValue ?? []).prefix(10).map { f in
                (f["feature"]?.stringValue ?? "?", f["baseline"]?.numberValue ?? 0, f["candidate"]?.numberValue ?? 0)
            }, shift: c.details["shift"]?.numberValue ?? 0, status: c.status)
        } else {
            attribution = nil
        }
        labelIssues = check("label-issues").flatMap { $0.status == .skip ? nil : ($0.message, $0.status) }
    }

    /// "8% (95% CI 6.73%–9.4%)".
    static func rate(_ flips: Flips) -> String {
        NumberText.percent(flips.rate) + (flips.low.flatMap { low in flips.high.map { " (95% CI \(NumberText.percent(low))–\(NumberText.percent($0)))" } } ?? "")
    }

    static func interval(_ slice: Slice) -> String {
        "+\(NumberText.number(slice.lossDifference))" + (slice.low.flatMap { low in slice.high.map { " (\(NumberText.number(low)) to \(NumberText.number($0)))" } } ?? "")
    }
}
