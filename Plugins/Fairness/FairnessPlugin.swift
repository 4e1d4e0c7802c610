import GateKit
import ModelRuns
import Training

/// Does the model treat groups of people differently? Group metrics as fairlearn defines them,
/// for every protected attribute (and, with `intersections: true`, their combinations), on
/// head's holdout, against the thresholds of `checks.fairness` and against the baseline model.
public struct FairnessPlugin: Plugin {
    public typealias Settings = FairnessPolicy
    public let name = "fairness"
    public let summary = "group fairness of the candidate model (as fairlearn defines it) per protected attribute, against thresholds and the baseline"
    public let catalog: [CheckDescription] = [
        CheckDescription("METRIC/ATTRIBUTE", "demographic_parity_difference, demographic_parity_ratio, equalized_odds_difference, equal_opportunity_difference, disparate_impact_ratio: beyond its threshold, or worse than the baseline by more than max_increase, fails; groups under min_group_size are listed, not judged",
                         examples: [.init("fairness-proxy", "demographic_parity_difference/sex", .fail), .init("model-clean", "demographic_parity_difference/sex", .pass)]),
        CheckDescription("proxy/ATTRIBUTE", "warns when a feature the model learns from encodes a protected attribute: AUC ≥ 0.8 (numeric) or Cramér's V ≥ 0.5 (categorical)",
                         examples: [.init("fairness-proxy", "proxy/sex", .warn), .init("model-clean", "proxy/sex", .pass)]),
        CheckDescription("mean_prediction_difference/ATTRIBUTE", "regression: the largest difference between groups' mean predictions, against the baseline",
                         examples: [.init("regression-biased", "mean_prediction_difference/sex", .fail), .init("regression-strict", "mean_prediction_difference/sex", .fail),
                                    .init("regression-clean", "mean_prediction_difference/sex", .pass)]),
        CheckDescription("mae_difference/ATTRIBUTE", "regression: the largest difference between groups' mean absolute errors, against the baseline",
                         examples: [.init("regression-biased", "mae_difference/sex", .fail), .init("regression-clean", "mae_difference/sex", .pass)]),
        CheckDescription("attributes", "skip when the policy declares no protected attributes, saying how to declare them",
                         examples: [.init("no-protected", "attributes", .skip), .init("model-clean", "attributes", nil)]),
        CheckDescription("training", "error when the models could not be trained or scored, with the reason",
                         examples: [.init("model-one-class", "training", .error), .init("model-clean", "training", nil)]),
    ]

    /// SPEC §2's defaults, used when `checks.fairness.metrics` is not given.
    static let defaultRules: [FairnessPolicy.MetricRule] = {
        var dpd = FairnessPolicy.MetricRule(metric: "demographic_parity_difference"); dpd.fail = 0.1
        var eod = FairnessPolicy.MetricRule(metric: "equalized_odds_difference"); eod.fail = 0.1
        var dir = FairnessPolicy.MetricRule(metric: "disparate_impact_ratio"); dir.min = 0.8
        return [dpd, eod, dir]
    }()

    public init() {}

    public func needs(_ settings: FairnessPolicy) -> PluginNeeds { PluginNeeds(models: true) }

    public func run(_ context: PluginContext) -> [CheckResult] {
        guard let config = context.head.configuration else { return [] }
        let attributes = config.features.protected
        guard !attributes.isEmpty else {
            return [CheckResult(id: "fairness/attributes", status: .skip, title: "Fairness",
                                message: "no protected attributes are declared; list them in features.protected to judge fairness")]
        }
        let run: ModelRun
        do {
            run = try ModelRun.shared(context)
        } catch {
            return [CheckResult(id: "fairness/training", status: .error, title: "Fairness", message: "could not score the model: \(error.description)")]
        }
        let policy = settings(context.policy)
        var groups = attributes.map { [$0] }
        if policy.intersections && attributes.count > 1 {
            for size in 2...attributes.count { groups += Self.combinations(attributes, size) }
        }
        // Features the candidate learns from, as its task chose them (protected ones left out).
        let proxies = context.head.train.map { train in
            attributes.map { ProxyCheck(attribute: $0, features: run.task.features, train: train).result() }
        } ?? []
        return proxies + groups.flatMap { attribute in
            FairnessEvaluation(run: run, attribute: attribute, policy: policy, strict: context.policy.strict).checks()
        }
    }

    static func combinations(_ items: [String], _ size: Int) -> [[String]] {
        guard size > 0 else { return [[]] }
        guard items.count >= size else { return [] }
        let first = items[0], rest = Array(items.dropFirst())
        return combinations(rest, size - 1).map { [first] + $0 } + combinations(rest, size)
    }
}

/// The fairness checks of one protected attribute (or combination).
struct FairnessEvaluation {
    let run: ModelRun
    let attribute: [String]
    let policy: FairnessPolicy
    let strict: Bool

    var name: String { attribute.joined(separator: "&") }

    /// Each labelled holdout row's group: the attribute values joined by "&"; nil when one is missing.
    func membership(_ rows: [Int]) -> [String?]? {
        let columns = attribute.map { run.holdout.column($0) }
        guard columns.allSatisfy({ $0 != nil }) else { return nil }
        return rows.map { r in
            let values = columns.map { $0!.text(at: r) }
            return values.contains("") ? nil : values.joined(separator: "&")
        }
    }

    func checks() -> [CheckResult] {
        guard let members = membership(run.candidate.labelledRows) else {
            return [CheckResult(id: "fairness/\(name)", status: .skip, title: "Fairness by \(name)",
                                message: "the holdout has no column \(attribute.filter { run.holdout.column($0) == nil }.joined(separator: ", "))")]
        }
        switch run.task.kind {
        case .binary: return classification(members)
        case .regression: return regression(members)
        case .multiclass:
            return [CheckResult(id: "fairness/\(name)", status: .skip, title: "Fairness by \(name)",
                                message: "group fairness metrics are defined here for binary and regression tasks")]
        }
    }

    private func classification(_ members: [String?]) -> [CheckResult] {
        let sample = run.candidate.primary
        let labels = sample.labels ?? []
        let candidate = GroupMetrics(labels: labels, predictions: sample.scores.map { $0 >= 0.5 }, membership: members, minGroupSize: policy.minGroupSize)
        let baseline: GroupMetrics? = run.baseline.flatMap { base in
            guard run.paired, let baseMembers = membership(base.labelledRows) else { return nil }
            return GroupMetrics(labels: base.primary.labels ?? [], predictions: base.primary.scores.map { $0 >= 0.5 },
                                membership: baseMembers, minGroupSize: policy.minGroupSize)
        }
        let rules = (policy.metrics.isEmpty ? FairnessPlugin.defaultRules : policy.metrics)
            .filter { !["mean_prediction_difference", "mae_difference"].contains($0.metric) }
        return rules.map { rule in judge(rule, candidate: candidate, baseline: baseline) }
    }

    private func judge(_ rule: FairnessPolicy.MetricRule, candidate: GroupMetrics, baseline: GroupMetrics?) -> CheckResult {
        let id = "fairness/\(rule.metric)/\(name)"
        let title = "\(rule.metric) by \(name)"
        let value = candidate.value(rule.metric)
        let base = baseline?.value(rule.metric)
        let higherIsFairer = GroupMetrics.higherIsFairer(rule.metric)
        let details: JSONValue = .object([
            ("groups", .array(candidate.groups.map(Self.row))),
            ("min_group_size", .number(Double(policy.minGroupSize))),
            ("max_increase", .number(policy.maxIncrease)),
            ("fail", .number(rule.fail)), ("min", .number(rule.min)),
        ])
        func result(_ status: Status, _ message: String, threshold: Double?) -> CheckResult {
            CheckResult(id: id, status: status, title: title, message: message, metric: rule.metric, value: value, baseline: base,
                        threshold: threshold, details: details)
        }
        let small = candidate.groups.filter { !$0.judged }.map { "\($0.name) (\($0.size))" }
        let smallNote = small.isEmpty ? "" : "; too small to judge (insufficient data): \(small.joined(separator: ", "))"
        guard value.isFinite else {
            return result(.skip, "fewer than two groups of \(name) have \(policy.minGroupSize) or more holdout rows\(smallNote)", threshold: nil)
        }
        let shown = Self.format(value)
        if let fail = rule.fail, value > fail {
            let failure = result(.fail, "\(rule.metric) \(shown) by \(name) exceeds \(Self.format(fail))\(smallNote)", threshold: fail)
            return failure.judged(value, against: .atMost(fail), baseline: base, strict: strict)
        }
        if let minimum = rule.min, value < minimum {
            let failure = result(.fail, "\(rule.metric) \(shown) by \(name) is below \(Self.format(minimum))\(smallNote)", threshold: minimum)
            return failure.judged(value, against: .atLeast(minimum), baseline: base, strict: strict)
        }
        if let why = run.incomparable {
            return result(.warn, "\(rule.metric) by \(name): \(shown)\(smallNote); max_increase not judged, the baseline model is not comparable: \(why)",
                          threshold: rule.fail ?? rule.min)
        }
        if let base, base.isFinite {
            let worsening = higherIsFairer ? base - value : value - base
            if worsening > policy.maxIncrease {
                return result(.fail, "\(rule.metric) by \(name) worsened from \(Self.format(base)) to \(shown), more than max_increase \(Self.format(policy.maxIncrease))\(smallNote)",
                              threshold: higherIsFairer ? base - policy.maxIncrease : base + policy.maxIncrease)
            }
            return result(.pass, "\(rule.metric) by \(name): \(Self.format(base)) → \(shown)\(smallNote)", threshold: rule.fail ?? rule.min)
        }
        return result(.pass, "\(rule.metric) by \(name): \(shown)\(smallNote)", threshold: rule.fail ?? rule.min)
    }

    private func regression(_ members: [String?]) -> [CheckResult] {
        guard run.candidate.primary.truth != nil else { return [] }
        func spreads(_ scored: ScoredHoldout, _ members: [String?]) -> (mean: Double, mae: Double, groups: [JSONValue]) {
            var sums: [String: (n: Int, prediction: Double, error: Double)] = [:]
            let truth = scored.primary.truth ?? []
            for (i, group) in members.enumerated() {
                guard let group else { continue }
                var entry = sums[group] ?? (0, 0, 0)
                entry.n += 1
                entry.prediction += scored.primary.scores[i]
                entry.error += abs(truth[i] - scored.primary.scores[i])
                sums[group] = entry
            }
            let judged = sums.filter { $0.value.n >= policy.minGroupSize }
            let means = judged.values.map { $0.prediction / Double($0.n) }, maes = judged.values.map { $0.error / Double($0.n) }
            let rows: [JSONValue] = sums.keys.sorted().map { key in
                let e = sums[key]!
                return .object([("group", .string(key)), ("size", .number(Double(e.n))), ("mean_prediction", .number(e.prediction / Double(e.n))),
                                ("mae", .number(e.error / Double(e.n))), ("judged", .bool(e.n >= policy.minGroupSize))])
            }
            guard judged.count >= 2 else { return (.nan, .nan, rows) }
            return (means.max()! - means.min()!, maes.max()! - maes.min()!, rows)
        }
        let candidate = spreads(run.candidate, members)
        let baseline = run.baseline.flatMap { base in membership(base.labelledRows).map { spreads(base, $0) } }
        return [("mean_prediction_difference", candidate.mean, baseline?.mean), ("mae_difference", candidate.mae, baseline?.mae)].map { metric, value, base in
            let id = "fairness/\(metric)/\(name)"
            let details: JSONValue = .object([("groups", .array(candidate.groups)), ("max_increase", .number(policy.maxIncrease))])
            guard value.isFinite else {
                return CheckResult(id: id, status: .skip, title: "\(metric) by \(name)", message: "fewer than two groups of \(name) have \(policy.minGroupSize) or more holdout rows", details: details)
            }
            // A fixed limit (checks.fairness.metrics.<metric>.fail), judged by the one rule: a
            // spread as wide at the baseline is main's debt (warn), unless strict.
            if let limit = policy.metrics.first(where: { $0.metric == metric })?.fail, value > limit {
                let failure = CheckResult(id: id, status: .fail, title: "\(metric) by \(name)",
                                          message: "\(metric) by \(name) is \(Self.format(value)), above \(Self.format(limit))",
                                          metric: metric, value: value, baseline: base, threshold: limit, details: details)
                return failure.judged(value, against: .atMost(limit), baseline: base, strict: strict)
            }
            if let base, base.isFinite, value - base > policy.maxIncrease {
                return CheckResult(id: id, status: .fail, title: "\(metric) by \(name)",
                                   message: "\(metric) by \(name) grew from \(Self.format(base)) to \(Self.format(value)), more than max_increase \(Self.format(policy.maxIncrease))",
                                   metric: metric, value: value, baseline: base, threshold: base + policy.maxIncrease, details: details)
            }
            if let why = run.incomparable {
                return CheckResult(id: id, status: .warn, title: "\(metric) by \(name)",
                                   message: "\(metric) by \(name): \(Self.format(value)); max_increase not judged, the baseline model is not comparable: \(why)",
                                   metric: metric, value: value, details: details)
            }
            return CheckResult(id: id, status: .pass, title: "\(metric) by \(name)", message: "\(metric) by \(name): \(Self.format(value))",
                               metric: metric, value: value, baseline: base, details: details)
        }
    }

    static func row(_ group: GroupMetrics.Group) -> JSONValue {
        .object([("group", .string(group.name)), ("size", .number(Double(group.size))), ("selection_rate", .number(group.selectionRate)),
                 ("tpr", .number(group.truePositiveRate)), ("fpr", .number(group.falsePositiveRate)), ("accuracy", .number(group.accuracy)),
                 ("judged", .bool(group.judged))])
    }

    static func format(_ value: Double) -> String { NumberText.number(value) }
}
