import Foundation
import GateKit
import ModelRuns
import Training

/// Why the checks came out as they did: what the PR did to the data, which rows the model now
/// gets wrong and where, which features it leans on now, and which new labels look wrong. Its
/// checks inform; each limit a team may gate on is off until the policy sets it.
public struct ExplainPlugin: Plugin {
    public typealias Settings = ExplainPolicy
    public let name = "explain"
    public let summary = "what changed and why: rows added/removed, prediction flips, slices where the candidate is worse, feature attributions, label issues"
    public let catalog: [CheckDescription] = [
        CheckDescription("data-change/FILE", "rows of the train (holdout) file kept, edited, added and removed, matched by content; what sets the added and the removed rows apart; columns added or removed; skipped when the file is unchanged",
                         examples: [.init("explain-removed-slice", "data-change/train", .pass), .init("model-clean", "data-change/holdout", .skip)]),
        CheckDescription("negative-flips", "rows the baseline model got right and the candidate gets wrong (regression: error grew by more than a tolerance), with a bootstrap interval; fails above negative_flips.max (off by default)",
                         examples: [.init("explain-flip-limit", "negative-flips", .fail), .init("model-clean", "negative-flips", .pass)]),
        CheckDescription("worse-slices", "the slices (one or two feature conditions) where the candidate's per-row loss exceeds the baseline model's most surely, with both models' metric and a bootstrap interval",
                         examples: [.init("explain-category-labels", "worse-slices", .pass), .init("model-one-class", "worse-slices", .skip)]),
        CheckDescription("attribution-shift", "mean |contribution| per feature (exact TreeSHAP, exact linear contributions) for both models and 1 − nDCG of the baseline's ranking under the candidate's; fails above attribution.max_shift (off by default)",
                         examples: [.init("explain-flip-limit", "attribution-shift", .fail), .init("model-clean", "attribution-shift", .pass)]),
        CheckDescription("label-issues", "added training rows whose label looks wrong by confident learning on out-of-fold probabilities; fails above label_issues.max_fraction (off by default)",
                         examples: [.init("explain-flipped-added", "label-issues", .fail), .init("model-clean", "label-issues", .pass)]),
    ]

    public init() {}

    public func needs(_ settings: ExplainPolicy) -> PluginNeeds { PluginNeeds(models: true) }

    public func run(_ context: PluginContext) -> [CheckResult] {
        guard let config = context.head.configuration else { return [] }
        let timed = SectionTimer("explain", log: context.log)
        let explanation = timed("row matching") { Explanation(context: context, config: config, policy: settings(context.policy)) }
        var results = timed("data change descriptions") { explanation.dataChange() }
        results += explanation.modelChange(timed)
        results.append(timed("label issues") { explanation.labelIssues() })
        return results
    }
}

/// One run's explanation, section by section.
struct Explanation {
    let context: PluginContext
    let config: Configuration
    let policy: ExplainPolicy
    /// The training file's change, shared by the data section and the label issues.
    let trainChange: DataChange?
    /// The training file's blob is the same at both sides: nothing was added, nothing to match.
    let trainUnchanged: Bool

    init(context: PluginContext, config: Configuration, policy: ExplainPolicy) {
        self.context = context
        self.config = config
        self.policy = policy
        let ignored = Set(config.features.ignore + config.datetimeColumns)
        trainUnchanged = Self.unchanged("train", context)
        if !trainUnchanged, let head = context.head.train, let baseline = context.baseline.train {
            trainChange = DataChange(key: "train", path: config.data.train, baseline: baseline, head: head, target: config.target, ignored: ignored,
                                     examples: policy.examples, fingerprints: Self.fingerprints("train", context))
        } else {
            trainChange = nil
        }
    }

    // MARK: What the data change is

    func dataChange() -> [CheckResult] {
        var results: [CheckResult] = []
        let ignored = Set(config.features.ignore + config.datetimeColumns)
        for key in ["train", "holdout"] {
            guard let head = context.head.table(key), let path = key == "train" ? config.data.train : config.data.holdout else { continue }
            let id = "explain/data-change/\(key)"
            guard let baseline = context.baseline.table(key) else {
                results.append(CheckResult(id: id, status: .skip, title: "What changed in \(path)",
                                           message: "the baseline has no \(path): all \(head.rowCount) rows are new"))
                continue
            }
            if Self.unchanged(key, context) {
                results.append(CheckResult(id: id, status: .skip, title: "What changed in \(path)", message: "\(path) is unchanged"))
                continue
            }
            let change = key == "train" ? trainChange! : DataChange(key: key, path: path, baseline: baseline, head: head, target: config.target,
                                                                     ignored: ignored, examples: policy.examples, fingerprints: Self.fingerprints(key, context))
            results.append(change.check(id: id, baselineLabel: context.baseline.label(path), headLabel: context.head.label(path)))
        }
        return results
    }

    /// Whether a data file's content is the same at both sides (git's blob ids agree).
    static func unchanged(_ key: String, _ context: PluginContext) -> Bool {
        guard let before = context.baseline.contentHashes[key] else { return false }
        return before == context.head.contentHashes[key]
    }

    /// For a file larger than memory at either side (the tables are then samples): every row's
    /// fingerprint over the given columns, from one streaming pass of a streamed file or from the
    /// table of one read whole. A malformed file stops the gate as data validation would.
    static func fingerprints(_ key: String, _ context: PluginContext) -> (([(head: String, baseline: String)]) -> (baseline: [UInt64], head: [UInt64])?)? {
        guard context.baseline.streamed[key] != nil || context.head.streamed[key] != nil else { return nil }
        return { columns in
            func whole(_ side: Side, _ names: [String]) -> [UInt64]? {
                guard let file = side.streamed[key] else { return side.table(key).map { RowHashing.hashes($0, columns: names) } }
                var options = StreamingProfiler.Options()
                options.declared = file.declared
                options.hashColumns = names
                options.rowGroupLimit = context.memory.chunkLimit
                do {
                    return try StreamingProfiler.profile(path: file.path, format: file.format, jobs: context.jobs, options: options,
                                                         source: file.label).rowHashes
                } catch {
                    context.malformedInput(error)
                    return nil
                }
            }
            guard let baseline = whole(context.baseline, columns.map(\.baseline)), let head = whole(context.head, columns.map(\.head)) else { return nil }
            return (baseline, head)
        }
    }

    // MARK: What the model change is

    func modelChange(_ timed: SectionTimer) -> [CheckResult] {
        let ids = [("explain/negative-flips", "Rows the candidate now gets wrong"), ("explain/worse-slices", "Where the candidate got worse"),
                   ("explain/attribution-shift", "Which features the model leans on")]
        func skipped(_ why: String) -> [CheckResult] {
            ids.map { CheckResult(id: $0.0, status: .skip, title: $0.1, message: why) }
        }
        let run: ModelRun
        do { run = try timed("models (shared with the other plugins)") { Result { () throws(ModelError) in try ModelRun.shared(context) } }.get() }
        catch { return skipped("no models to explain: \(error.description)") }
        var results: [CheckResult] = []
        if let baseline = run.baseline, run.paired {
            let outcomes = RowOutcomes(task: run.task, holdout: run.holdout, candidate: run.candidate, baseline: baseline)
            results.append(timed("flips") { flips(outcomes, run: run) })
            results.append(timed("slices") { worseSlices(outcomes, run: run) })
        } else {
            let why = run.incomparable.map { "the two models cannot be compared on head's rows: \($0)" }
                ?? (run.baseline == nil ? "no baseline model to compare with (the baseline has no training data or configuration)"
                                        : "the two sides' predictions are not of the same rows")
            results += skipped(why).prefix(2)
        }
        results.append(timed("attributions") { attribution(run) })
        return results
    }

    private func flips(_ outcomes: RowOutcomes, run: ModelRun) -> CheckResult {
        var tolerance = policy.negativeFlips.tolerance
        if outcomes.isRegression, tolerance == nil, let labelled = run.task.labelled(run.holdout), labelled.values.count > 1 {
            let mean = labelled.values.reduce(0, +) / Double(labelled.values.count)
            let variance = labelled.values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(labelled.values.count - 1)
            tolerance = 0.1 * variance.squareRoot()
        }
        return Flips(outcomes, tolerance: tolerance).check(policy: policy.negativeFlips, bootstrap: policy.bootstrap, seed: context.seed,
                                                           jobs: context.jobs, strict: context.policy.strict)
    }

    private func worseSlices(_ outcomes: RowOutcomes, run: ModelRun) -> CheckResult {
        let baselineTrain = context.baseline.train
        let search = SliceSearch(outcomes: outcomes, table: run.holdout, features: run.task.features,
                                 edgesFrom: { name in baselineTrain?.column(run.baselineView?.headToBaseline[name] ?? name) },
                                 policy: policy.slices, jobs: context.jobs)
        let loss = outcomes.isRegression ? "squared error" : "log loss"
        let top = search.slices.prefix(policy.slices.top)
        let id = "explain/worse-slices", title = "Where the candidate got worse"
        guard !top.isEmpty else {
            return CheckResult(id: id, status: .pass, title: title,
                               message: "no slice of \(policy.slices.minRows) or more rows where the candidate's \(loss) is higher than the baseline model's",
                               details: .object([("rows", .number(Double(outcomes.count))), ("slices", .array([]))]))
        }
        var lines: [String] = [], entries: [JSONValue] = []
        for (rank, slice) in top.enumerated() {
            let positions = search.positions(slice)
            let differences = positions.map { outcomes.candidateLoss[$0] - outcomes.baselineLoss[$0] }
            let interval = MeanBootstrap.interval(differences, resamples: policy.bootstrap, seed: context.seed ^ Mixing.mix64(UInt64(rank + 1)), jobs: context.jobs)
            let before = outcomes.metric(positions, candidate: false), after = outcomes.metric(positions, candidate: true)
            let ci = interval.map { ", 95% CI \(NumberText.number($0.low)) to \(NumberText.number($0.high))" } ?? ""
            lines.append("\(slice.text) (\(slice.count) rows: \(outcomes.metricName) \(NumberText.number(before, .fine)) → \(NumberText.number(after, .fine)); "
                         + "\(loss) +\(NumberText.number(slice.mean)) a row\(ci))")
            var entry: [(String, JSONValue)] = [
                ("slice", .string(slice.text)), ("rows", .number(Double(slice.count))), ("metric", .string(outcomes.metricName)),
                ("baseline", .number(before)), ("candidate", .number(after)), ("loss_difference", .number(slice.mean)), ("t", .number(slice.t)),
            ]
            if let interval { entry += [("ci_low", .number(interval.low)), ("ci_high", .number(interval.high))] }
            entries.append(.object(entry))
        }
        return CheckResult(id: id, status: .pass, title: title,
                           message: "the candidate's \(loss) exceeds the baseline model's most surely where " + lines.joined(separator: "; "),
                           details: .object([("rows", .number(Double(outcomes.count))), ("loss", .string(loss)), ("min_rows", .number(Double(policy.slices.minRows))),
                                             ("searched_features", .number(Double(search.features.count))), ("slices", .array(entries))]))
    }

    private func attribution(_ run: ModelRun) -> CheckResult {
        let id = "explain/attribution-shift", title = "Which features the model leans on"
        guard let candidateModel = run.candidateModel else {
            return CheckResult(id: id, status: .skip, title: title, message: "attributions need mlgate's own models; data.predictions gives scores, not a model")
        }
        guard let baselineModel = run.baselineModel else {
            return CheckResult(id: id, status: .skip, title: title, message: "no baseline model to compare with (the baseline has no training data or configuration)")
        }
        let (sample, sampled) = Self.sample(run.holdout, rows: policy.attribution.rows, seed: context.seed)
        let candidate = candidateModel.contributions(sample, jobs: context.jobs)
        var names: [String: String] = [:], note: String?
        let baseline: Contributions
        if let view = run.baselineView, view.incomparable == nil {
            for rename in view.mapped { names[rename.old] = rename.new }
            baseline = baselineModel.contributions(view.apply(sample), jobs: context.jobs)
        } else if let own = run.baselineHoldout {
            baseline = baselineModel.contributions(Self.sample(own, rows: policy.attribution.rows, seed: context.seed).table, jobs: context.jobs)
            note = "the baseline model is explained on its own holdout, as it cannot read head's rows (\(run.incomparable ?? "features changed"))"
        } else {
            return CheckResult(id: id, status: .skip, title: title, message: "the baseline model cannot read head's rows and has no holdout of its own")
        }
        return AttributionShift(candidate: candidate, baseline: baseline, baselineNames: names, rows: sample.rowCount)
            .check(policy: policy.attribution, sampled: sampled, note: note, strict: context.policy.strict)
    }

    /// At most `rows` rows of `table`, chosen by their seeded content keys, in row order.
    static func sample(_ table: Table, rows: Int, seed: UInt64) -> (table: Table, sampled: Bool) {
        guard table.rowCount > rows else { return (table, false) }
        let keys = RowHashing.hashes(table, columns: table.columnNames)
        let salt = Mixing.mix64(seed ^ 0xA771_B)
        let chosen = keys.indices.sorted { (Mixing.mix64(keys[$0] ^ salt), $0) < (Mixing.mix64(keys[$1] ^ salt), $1) }.prefix(rows).sorted()
        return (table.rows(Array(chosen)), true)
    }

    // MARK: Which new labels look wrong

    func labelIssues() -> CheckResult {
        let id = "explain/label-issues", title = "Labels that look wrong"
        guard let train = context.head.train else {
            return CheckResult(id: id, status: .skip, title: title, message: "head has no training data")
        }
        guard !trainUnchanged else {
            return CheckResult(id: id, status: .skip, title: title, message: "\(config.data.train) is unchanged: the PR adds no labels to check")
        }
        let task: LearningTask
        do { task = try LearningTask(configuration: config, train: train) } catch {
            return CheckResult(id: id, status: .skip, title: title, message: "no task to learn: \(error.description)")
        }
        // New labels: rows added, and rows edited (relabelled above all).
        let added = trainChange.map { ($0.matching.added + $0.matching.edited.map(\.head)).sorted() }
        let keys = trainChange?.matching.headKeys ?? RowHashing.hashes(train, columns: train.columnNames)
        do {
            let found = try LabelIssues(task: task, train: train, added: added, keys: keys, spec: config.model, policy: policy.labelIssues,
                                        seed: context.seed, jobs: context.jobs)
            return found.check(path: config.data.train, label: context.head.label(config.data.train), policy: policy.labelIssues,
                               examples: policy.examples, strict: context.policy.strict)
        } catch {
            guard case .because(let why) = error else { return CheckResult(id: id, status: .skip, title: title, message: "\(error)") }
            return CheckResult(id: id, status: .skip, title: title, message: why)
        }
    }
}
