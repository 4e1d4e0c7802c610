import GateKit
import ModelRuns
import Training

/// Judges one metric of the candidate against the baseline as SPEC §3 says: `min` on the point
/// estimate; a drop beyond `max_drop` fails only when the paired bootstrap interval of the change
/// lies wholly on the worse side of zero, and otherwise warns that this holdout cannot tell,
/// with the number of rows that would settle it.
struct MetricJudgement {
    let id: String
    let title: String
    let metric: WeightedMetrics.Name
    let candidate: Double
    let baseline: Double?
    let interval: PairedBootstrap.Interval?
    let minimum: Double?
    let maxDrop: Double?
    let rows: Int
    var extraDetails: [(String, JSONValue)] = []
    /// Why the baseline model cannot be compared with the candidate here; the check then judges
    /// the candidate alone (`min`) and otherwise warns, naming the reason.
    var incomparable: String? = nil
    /// `checks.strict`: a failure the baseline shares still fails.
    var strict = false
    /// Appended to every message: which rows the comparison was made on, when some were left out.
    var rowsNote: String? = nil

    func result() -> CheckResult {
        var details: [(String, JSONValue)] = [("candidate", .number(candidate)), ("baseline", .number(baseline)),
                                              ("holdout_rows", .number(Double(rows))),
                                              ("higher_is_better", .bool(metric.higherIsBetter))]
        if let interval {
            details += [("difference", .number(interval.difference)), ("ci_low", .number(interval.low)), ("ci_high", .number(interval.high)),
                        ("bootstrap", .number(Double(interval.resamples)))]
        }
        details += extraDetails
        let name = metric.rawValue
        let suffix = rowsNote.map { " (\($0))" } ?? ""
        func result(_ status: Status, _ message: String, threshold: Double?) -> CheckResult {
            CheckResult(id: id, status: status, title: title, message: message + suffix, metric: name, value: candidate, baseline: baseline,
                        threshold: threshold, details: .object(details))
        }
        guard candidate.isFinite else {
            return result(.error, "\(name) could not be computed on this holdout (it needs both classes among the labelled rows)", threshold: nil)
        }
        if let minimum, candidate < minimum {
            let failure = result(.fail, "\(name) \(Self.format(candidate)) is below the minimum \(Self.format(minimum))", threshold: minimum)
            return failure.judged(candidate, against: .atLeast(minimum), baseline: baseline, strict: strict)
        }
        if let incomparable {
            return result(.warn, "\(name) \(Self.format(candidate)); not compared with the baseline model: \(incomparable)", threshold: minimum)
        }
        guard let baseline, baseline.isFinite else {
            return result(.pass, "\(name) \(Self.format(candidate)); no baseline model to compare with", threshold: minimum)
        }
        let drop = metric.higherIsBetter ? baseline - candidate : candidate - baseline
        let change = "\(Self.format(baseline)) → \(Self.format(candidate))"
        guard let maxDrop, drop > maxDrop else {
            return result(.pass, "\(name) \(change)" + (interval.map { ", change 95% CI [\(Self.format($0.low)), \(Self.format($0.high))]" } ?? ""),
                          threshold: maxDrop.map { metric.higherIsBetter ? baseline - $0 : baseline + $0 })
        }
        let threshold = metric.higherIsBetter ? baseline - maxDrop : baseline + maxDrop
        guard let interval, interval.low.isFinite else {
            return result(.fail, "\(name) worsened by \(Self.format(drop)) (\(change)), more than max_drop \(Self.format(maxDrop))", threshold: threshold)
        }
        let ci = "[\(Self.format(interval.low)), \(Self.format(interval.high))]"
        let whollyWorse = metric.higherIsBetter ? interval.high < 0 : interval.low > 0
        if whollyWorse {
            return result(.fail, "\(name) worsened by \(Self.format(drop)) (\(change)), more than max_drop \(Self.format(maxDrop)), and the paired bootstrap 95% CI of the change \(ci) excludes zero", threshold: threshold)
        }
        // The interval's half-width shrinks as 1/√n: rows at which it would just exclude zero.
        let halfWidth = (interval.high - interval.low) / 2
        let needed = abs(interval.difference) > 0 ? Int((Double(rows) * (halfWidth / abs(interval.difference)) * (halfWidth / abs(interval.difference))).rounded(.up)) : nil
        var withNeeded = result(.warn, "\(name) worsened by \(Self.format(drop)) (\(change)), more than max_drop \(Self.format(maxDrop)), but the 95% CI of the change \(ci) includes zero: inconclusive on this holdout of \(rows) rows" + (needed.map { "; about \($0) rows would settle it" } ?? ""), threshold: threshold)
        if let needed, case .object(var members) = withNeeded.details { members.append(("rows_to_settle", .number(Double(needed)))); withNeeded.details = .object(members) }
        return withNeeded
    }

    static func format(_ value: Double) -> String { NumberText.number(value, .fine) }
}
