import GateKit
import ModelRuns
import Training

/// Does the model still behave as everyone relies on? CheckList's tests for tabular models:
/// `directional` (a change must not move the score the wrong way), `invariance` (a change must
/// not move it more than a tolerance) and `cases` (known inputs must get their expected label),
/// run on the candidate and on the baseline model, so a test that passed on main and fails now
/// says so.
public struct BehaviouralPlugin: Plugin {
    public typealias Settings = BehaviouralPolicy
    public let name = "behavioural"
    public let summary = "directional, invariance and known-case tests of the candidate model, beside the baseline model"
    public let catalog: [CheckDescription] = [
        CheckDescription("NAME", "each test of checks.behavioural: fails when fewer than min_pass_rate of the rows pass (directional: score moves the expected way; invariance: |Δ score| ≤ tolerance; cases: the expected label); error when no model could be asked",
                         examples: [.init("monotonicity-break", "higher income never lowers approval", .fail),
                                    .init("model-one-class", "known edge cases", .error),
                                    .init("model-clean", "higher income never lowers approval", .pass)]),
    ]

    public init() {}

    /// The models, when there are tests; and each `cases` test's file, read from the trusted side.
    public func needs(_ settings: BehaviouralPolicy) -> PluginNeeds {
        PluginNeeds(models: !settings.tests.isEmpty, files: settings.tests.compactMap { $0.kind == .cases ? $0.file : nil })
    }

    public func run(_ context: PluginContext) -> [CheckResult] {
        let tests = settings(context.policy).tests
        guard !tests.isEmpty else { return [] }
        let run: ModelRun
        do {
            run = try ModelRun.shared(context)
        } catch {
            return tests.map { CheckResult(id: "behavioural/\($0.name)", status: .error, title: $0.name, message: "could not score the model: \(error.description)") }
        }
        guard let candidate = run.candidateModel else {
            return tests.map { CheckResult(id: "behavioural/\($0.name)", status: .skip, title: $0.name,
                                           message: "behavioural tests need a model to ask; data.predictions gives only fixed predictions") }
        }
        guard run.task.kind != .multiclass else {
            return tests.map { CheckResult(id: "behavioural/\($0.name)", status: .skip, title: $0.name,
                                           message: "behavioural tests compare one score per row: binary and regression tasks") }
        }
        return tests.enumerated().map { index, test in
            let jobs = context.jobs
            let score: @Sendable (Table) -> [Double] = { candidate.scores($0, jobs: jobs) }
            var baseline: (@Sendable (Table) -> [Double])?
            if run.baselineModel != nil, run.incomparable == nil { baseline = { run.baselineScores($0, jobs: jobs) ?? [] } }
            return BehaviouralTestRun(test: test, run: run, candidate: score, baseline: baseline,
                                      context: context, seed: context.seed &+ UInt64(index)).result()
        }
    }
}

/// One behavioural test on both models.
struct BehaviouralTestRun {
    let test: BehaviouralTest
    let run: ModelRun
    /// Scores of the candidate and (when it can read head's rows) the baseline model, for rows
    /// named as head names them.
    let candidate: @Sendable (Table) -> [Double]
    let baseline: (@Sendable (Table) -> [Double])?
    let context: PluginContext
    let seed: UInt64

    var id: String { "behavioural/\(test.name)" }

    /// Which rows pass, and the evidence for the first that do not.
    struct Outcome {
        var passed: [Bool]
        var offending: [JSONValue]
        var passRate: Double { passed.isEmpty ? .nan : Double(passed.filter { $0 }.count) / Double(passed.count) }
    }

    func result() -> CheckResult {
        do {
            let mine = try outcome(candidate)
            let theirs = try baseline.map { model throws(Perturbation.Failure) in try outcome(model) }
            var checked = judge(mine, baseline: theirs)
            if let why = run.incomparable, case .object(var fields) = checked.details {
                fields.append(("baseline_model", .string("not comparable: \(why)")))
                checked.details = .object(fields)
                if checked.status == .fail { checked.message += " (not compared with the baseline model: \(why))" }
            }
            return checked
        } catch {
            return CheckResult(id: id, status: .error, title: test.name, message: "could not run the test: \(error.description)")
        }
    }

    private func outcome(_ model: @Sendable (Table) -> [Double]) throws(Perturbation.Failure) -> Outcome {
        switch test.kind {
        case .directional, .invariance:
            let feature = test.feature ?? ""
            let table = run.holdout
            let changed = try Perturbation.apply(test.change ?? .shuffle, to: feature, in: table, seed: seed)
            let before = model(table), after = model(changed)
            var outcome = Outcome(passed: [], offending: [])
            let old = table.column(feature)!, new = changed.column(feature)!
            for r in 0..<table.rowCount {
                let delta = after[r] - before[r]
                let ok: Bool = switch (test.kind, test.expect) {
                case (.directional, .nonIncreasing?): delta <= test.tolerance
                case (.directional, _): delta >= -test.tolerance
                default: abs(delta) <= test.tolerance
                }
                outcome.passed.append(ok)
                if !ok && outcome.offending.count < 5 {
                    outcome.offending.append(.object([("row", .number(Double(r + 2))), ("before", .string(old.text(at: r))), ("after", .string(new.text(at: r))),
                                                      ("score_before", .number(before[r])), ("score_after", .number(after[r]))]))
                }
            }
            return outcome
        case .cases:
            let path = test.file ?? ""
            guard let bytes = context.policyFiles[path] else {
                throw .missingColumn("\(path) (the cases file is not in the revision the policy comes from)")
            }
            let cases: Table
            do { cases = try TableReader.read(bytes, path: path) } catch { throw .missingColumn("\(path) (the cases file could not be read: \(error))") }
            guard let expected = cases.column(run.task.target) else { throw .missingColumn(run.task.target) }
            let scores = model(cases)
            var outcome = Outcome(passed: [], offending: [])
            for r in 0..<cases.rowCount {
                let want = expected.text(at: r)
                let got: String
                let ok: Bool
                if run.task.kind == .regression {
                    got = NumberFormatting.shortest(scores[r])
                    ok = abs(scores[r] - (Double(want) ?? .nan)) <= test.tolerance
                } else {
                    let positive = scores[r] >= 0.5
                    got = positive ? (run.task.positive ?? "1") : "not \(run.task.positive ?? "1")"
                    ok = (want == run.task.positive) == positive
                }
                outcome.passed.append(ok)
                if !ok && outcome.offending.count < 5 {
                    outcome.offending.append(.object([("row", .number(Double(r + 2))), ("expected", .string(want)), ("predicted", .string(got)),
                                                      ("score", .number(scores[r]))]))
                }
            }
            return outcome
        }
    }

    private func judge(_ mine: Outcome, baseline: Outcome?) -> CheckResult {
        let rate = mine.passRate, baseRate = baseline?.passRate
        let details: JSONValue = .object([
            ("kind", .string(test.kind.rawValue)), ("rows", .number(Double(mine.passed.count))), ("pass_rate", .number(rate)),
            ("baseline_pass_rate", .number(baseRate)), ("min_pass_rate", .number(test.minPassRate)), ("tolerance", .number(test.tolerance)),
            ("offending", .array(mine.offending)),
        ])
        let percent = NumberText.percent
        guard rate.isFinite else {
            return CheckResult(id: id, status: .skip, title: test.name, message: "no rows to test", details: details)
        }
        if rate < test.minPassRate {
            let failing = mine.passed.filter { !$0 }.count
            var message = "\(percent(rate)) of \(mine.passed.count) rows pass, under min_pass_rate \(percent(test.minPassRate)); \(failing) fail"
            if let first = mine.offending.first, let row = first["row"]?.numberValue { message += ", first at holdout line \(Int(row))" }
            if let baseRate, baseRate >= test.minPassRate { message += ". It passed on the baseline model (\(percent(baseRate)))" }
            let failure = CheckResult(id: id, status: .fail, title: test.name, message: message, metric: "pass_rate", value: rate,
                                      baseline: baseRate, threshold: test.minPassRate, details: details)
            return failure.judged(rate, against: .atLeast(test.minPassRate), baseline: baseRate, strict: context.policy.strict)
        }
        return CheckResult(id: id, status: .pass, title: test.name, message: "\(percent(rate)) of \(mine.passed.count) rows pass",
                           metric: "pass_rate", value: rate, baseline: baseRate, threshold: test.minPassRate, details: details)
    }
}
