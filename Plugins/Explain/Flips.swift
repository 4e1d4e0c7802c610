import GateKit

/// The model change row by row: which rows the baseline model got right and the candidate gets
/// wrong (negative flips), and the reverse. Regression: rows whose absolute error grew (or
/// shrank) by more than a tolerance.
struct Flips {
    let bothRight: Int
    let bothWrong: Int
    /// Baseline wrong → candidate right.
    let fixed: Int
    /// Baseline right → candidate wrong: the negative flips.
    let broken: Int
    let rows: Int
    let tolerance: Double?

    init(_ outcomes: RowOutcomes, tolerance: Double?) {
        var bothRight = 0, bothWrong = 0, fixed = 0, broken = 0
        if outcomes.isRegression {
            let tolerance = tolerance ?? 0
            for i in 0..<outcomes.count {
                let growth = outcomes.candidateError[i] - outcomes.baselineError[i]
                if growth > tolerance { broken += 1 } else if growth < -tolerance { fixed += 1 } else { bothRight += 1 }
            }
            self.tolerance = tolerance
        } else {
            for i in 0..<outcomes.count {
                switch (outcomes.baselineRight[i], outcomes.candidateRight[i]) {
                case (true, true): bothRight += 1
                case (false, false): bothWrong += 1
                case (false, true): fixed += 1
                case (true, false): broken += 1
                }
            }
            self.tolerance = nil
        }
        (self.bothRight, self.bothWrong, self.fixed, self.broken, rows) = (bothRight, bothWrong, fixed, broken, outcomes.count)
    }

    var negativeRate: Double { rows == 0 ? 0 : Double(broken) / Double(rows) }
    var positiveRate: Double { rows == 0 ? 0 : Double(fixed) / Double(rows) }

    func check(policy: ExplainPolicy.NegativeFlips, bootstrap: Int, seed: UInt64, jobs: Int, strict: Bool) -> CheckResult {
        let interval = MeanBootstrap.share(broken, of: rows, resamples: bootstrap, seed: seed ^ 0xF11F, jobs: jobs)
        let ci = interval.map { " (95% CI \(NumberText.percent($0.low))–\(NumberText.percent($0.high)))" } ?? ""
        let table: String
        if let tolerance {
            table = "of \(rows) rows both models scored, the candidate's error grew by more than \(NumberText.number(tolerance)) on \(broken) "
                + "and shrank by as much on \(fixed); \(bothRight) moved less"
        } else {
            table = "of \(rows) rows both models scored: \(bothRight) right by both, \(bothWrong) wrong by both, "
                + "\(fixed) fixed (baseline wrong → candidate right), \(broken) broken (baseline right → candidate wrong)"
        }
        var message = "\(table): negative flip rate \(NumberText.percent(negativeRate))\(ci)"
        if let max = policy.max { message += "; allowed: \(NumberText.percent(max))" }
        var details: [(String, JSONValue)] = [
            ("rows", .number(Double(rows))), ("both_right", .number(Double(bothRight))), ("both_wrong", .number(Double(bothWrong))),
            ("fixed", .number(Double(fixed))), ("broken", .number(Double(broken))),
            ("negative_flip_rate", .number(negativeRate)), ("positive_flip_rate", .number(positiveRate)),
        ]
        if let interval { details += [("ci_low", .number(interval.low)), ("ci_high", .number(interval.high)), ("resamples", .number(Double(bootstrap)))] }
        if let tolerance { details.append(("tolerance", .number(tolerance))) }
        let result = CheckResult(id: "explain/negative-flips", status: .pass, title: "Rows the candidate now gets wrong", message: message,
                                 metric: "negative_flip_rate", value: negativeRate, threshold: policy.max, details: .object(details))
        guard let max = policy.max else { return result }
        var judged = result.judged(negativeRate, against: .atMost(max), baseline: nil, strict: strict)
        if judged.status == .fail {
            judged.message += ". Look at the rows in explain/worse-slices, or raise checks.explain.negative_flips.max if the change is intended"
        }
        return judged
    }
}
