import GateKit
import ModelRuns
import Training

/// Is the retrained model at least as good as the one on main? Trains the baseline model on
/// the baseline's data and the candidate on head's (or reads the repository's own
/// predictions), scores both on head's holdout, and judges each metric with a paired
/// bootstrap interval of the change.
public struct ModelEvaluationPlugin: Plugin {
    public typealias Settings = ModelEvaluationPolicy
    public let name = "model-evaluation"
    public let summary = "candidate vs baseline model on head's holdout: metrics with thresholds and bootstrap intervals, slices"
    public let catalog: [CheckDescription] = [
        CheckDescription("METRIC", "auc, pr_auc, accuracy, f1, precision, recall, log_loss, brier, ece, rmse, mae, r2: below min fails; a drop beyond max_drop fails when the paired bootstrap 95% CI of the change excludes zero, else warns; not comparable with the baseline model: warns",
                         examples: [.init("model-noisy-labels", "auc", .fail), .init("regression-biased", "r2", .fail), .init("model-clean", "auc", .pass),
                                    .init("regression-clean", "rmse", .pass)]),
        CheckDescription("slice/COL=VALUE/METRIC", "the primary metric within each value of a slices: column, judged the same way",
                         examples: [.init("model-noisy-labels", "slice/region=north/auc", .fail), .init("model-clean", "slice/region=north/auc", .pass)]),
        CheckDescription("training", "error when a model cannot be trained or scored, with the reason",
                         examples: [.init("model-one-class", "training", .error), .init("model-clean", "training", nil)]),
    ]

    public init() {}

    public func needs(_ settings: ModelEvaluationPolicy) -> PluginNeeds { PluginNeeds(models: true) }

    /// Not when the cache holds the baseline's digest (`ModelRun`): its training file is then
    /// read only if its model is not cached after all, and its holdout file when the run asks.
    public func readsBaselineData(_ probe: BaselineProbe) -> Bool {
        !ModelRun.hasBaselineDigest(probe)
    }

    public func run(_ context: PluginContext) -> [CheckResult] {
        do {
            return try Evaluation(context: context).checks()
        } catch {
            return [CheckResult(id: "model-evaluation/training", status: .error, title: "Model training",
                                message: "could not evaluate the model: \(error.description)")]
        }
    }

    /// Metrics, primary metric and the default max_drop for a task.
    public static func defaults(_ task: TaskKind) -> (metrics: [String], primary: String) {
        switch task {
        case .binary: (["auc", "accuracy", "f1", "log_loss"], "auc")
        case .multiclass: (["accuracy", "log_loss"], "accuracy")
        case .regression: (["rmse", "mae", "r2"], "r2")
        }
    }
}

/// One evaluation: the run's two models, judged metric by metric.
struct Evaluation {
    let context: PluginContext
    let policy: ModelEvaluationPolicy
    let run: ModelRun
    var task: LearningTask { run.task }
    var holdout: Table { run.holdout }
    var candidate: ScoredHoldout { run.candidate }
    var baseline: ScoredHoldout? { run.baseline }
    var paired: Bool { run.paired }
    let notes: [(String, JSONValue)]
    /// Which holdout rows the comparison used, when some were left out (rows a model trained on).
    var rowsNote: String? {
        guard case .object(let fields)? = notes.first(where: { $0.0 == "left_out" })?.1,
              let why = fields.first(where: { $0.0 == "why" })?.1.stringValue else { return nil }
        return why
    }

    init(context: PluginContext) throws(ModelError) {
        self.context = context
        policy = ModelEvaluationPlugin().settings(context.policy)
        let kind = context.head.configuration?.task ?? .binary
        let primary = WeightedMetrics.Name(rawValue: policy.primary ?? ModelEvaluationPlugin.defaults(kind).primary) ?? .accuracy
        run = try ModelRun.shared(context)
        notes = Self.notes(run, primary: primary, jobs: context.jobs, cache: context.cache, log: context.log)
    }

    /// The run's notes, with both models' primary metric on the baseline's own holdout (before
    /// the mode), for a reviewer's comparison. The baseline model's is kept in the cache: the
    /// next PR against the same main scores only the candidate there.
    static func notes(_ run: ModelRun, primary: WeightedMetrics.Name, jobs: Int, cache: (any ArtifactCache)?,
                      log: (String) -> Void) -> [(String, JSONValue)] {
        guard let baseHoldout = run.baselineHoldout, let baseTask = run.baselineTask, let baseModel = run.baselineModel,
              let candidate = run.candidateModel, let view = run.baselineView else { return run.notes }
        let asHead = baseHoldout.renamingColumns(Dictionary(view.mapped.map { ($0.old, $0.new) }, uniquingKeysWith: { a, _ in a }))
        var onBase: [(String, JSONValue)] = [("metric", .string(primary.rawValue))]
        let key = run.baselineOnOwnHoldoutKey.map { CacheKey.digest([$0, "primary metric", primary.rawValue].joined(separator: "\u{0}")) }
        let baselineValue: Double?
        var reader = key.flatMap { cache?.load($0) }.map(ByteReader.init)
        if let cached = reader?.double(), reader?.remaining == 0 {
            baselineValue = cached
            log("model-evaluation: the baseline model's \(primary.rawValue) on its own holdout reused from the cache")
        } else {
            baselineValue = ScoredHoldout(task: baseTask, holdout: baseHoldout, scores: baseModel.scores(baseHoldout, jobs: jobs),
                                          classes: baseTask.classes).sample(primary)?.value(primary)
            if let key, let baselineValue {
                var writer = ByteWriter()
                writer.double(baselineValue)
                cache?.store(key, writer.bytes)
            }
        }
        onBase.append(("baseline_model", .number(baselineValue)))
        if run.task.features.allSatisfy({ asHead.column($0) != nil }) {
            onBase.append(("candidate_model", .number(ScoredHoldout(task: baseTask, holdout: baseHoldout, scores: candidate.scores(asHead, jobs: jobs),
                                                                    classes: run.task.classes).sample(primary)?.value(primary))))
        }
        var notes = run.notes
        notes.insert(("on_baseline_holdout", .object(onBase)), at: notes.firstIndex { $0.0 == "mode" } ?? notes.count)
        return notes
    }

    func checks() -> [CheckResult] {
        let defaults = ModelEvaluationPlugin.defaults(task.kind)
        let primary = policy.primary ?? defaults.primary
        let maxDrops = policy.maxDrop ?? [MetricBound(metric: primary, value: 0.01)]
        var results: [CheckResult] = []
        let metrics = (policy.metrics ?? defaults.metrics).compactMap(WeightedMetrics.Name.init(rawValue:))
        // Every metric's interval from the same resamples of the holdout: one draw per resample.
        let comparisons = metrics.compactMap { metric in
            candidate.sample(metric).flatMap { c in baseline?.sample(metric).map { PairedBootstrap.Comparison(metric, candidate: c, baseline: $0) } }
        }
        let computed = SectionTimer(ModelEvaluationPlugin().name, log: context.log)("bootstrap of \(comparisons.count) metrics × \(policy.bootstrap) resamples") {
            PairedBootstrap.intervals(comparisons, paired: paired, resamples: policy.bootstrap,
                                      seed: context.seed ^ Mixing.mix64(0x4D45_5452_4943), jobs: context.jobs)
        }
        let intervals = Dictionary(zip(comparisons.map(\.metric), computed), uniquingKeysWith: { a, _ in a })
        for metric in metrics {
            results.append(judge(metric, candidate: candidate, baseline: baseline, id: "model-evaluation/\(metric.rawValue)",
                                 title: "\(metric.rawValue) on head's holdout", maxDrops: maxDrops, notes: notes, interval: intervals[metric]))
        }
        if let metric = WeightedMetrics.Name(rawValue: primary) {
            for column in policy.slices { results += slices(column, metric: metric, maxDrops: maxDrops) }
        }
        return results
    }

    /// - Parameter interval: the change's interval when it was computed with the other metrics'.
    private func judge(_ metric: WeightedMetrics.Name, candidate: ScoredHoldout, baseline: ScoredHoldout?, id: String, title: String,
                       maxDrops: [MetricBound], notes: [(String, JSONValue)], interval computed: PairedBootstrap.Interval? = nil) -> CheckResult {
        guard let sample = candidate.sample(metric) else {
            return CheckResult(id: id, status: .error, title: title, message: "\(metric.rawValue) is not defined for a \(task.kind.rawValue) task; choose metrics that are")
        }
        let baseSample = baseline?.sample(metric)
        let interval = computed ?? baseSample.map {
            PairedBootstrap.interval(metric, candidate: sample, baseline: $0, paired: paired, resamples: policy.bootstrap,
                                     seed: context.seed ^ Mixing.mix64(UInt64(id.utf8.reduce(0) { $0 &* 31 &+ UInt64($1) })), jobs: context.jobs)
        }
        return MetricJudgement(id: id, title: title, metric: metric, candidate: sample.value(metric), baseline: baseSample?.value(metric),
                               interval: interval, minimum: policy.min?.first { $0.metric == metric.rawValue }?.value,
                               maxDrop: maxDrops.first { $0.metric == metric.rawValue }?.value, rows: candidate.rows,
                               extraDetails: notes + [("paired", .bool(paired))], incomparable: run.incomparable,
                               strict: context.policy.strict, rowsNote: rowsNote).result()
    }

    /// The primary metric within each value of `column` on the holdout.
    private func slices(_ column: String, metric: WeightedMetrics.Name, maxDrops: [MetricBound]) -> [CheckResult] {
        guard let values = holdout.column(column) else {
            return [CheckResult(id: "model-evaluation/slice/\(column)", status: .skip, title: "Slices by \(column)", message: "the holdout has no column '\(column)'")]
        }
        let profile = CategoricalProfile(column: values)
        guard profile.distinct <= 50 else {
            return [CheckResult(id: "model-evaluation/slice/\(column)", status: .skip, title: "Slices by \(column)",
                                message: "\(profile.distinct) distinct values are too many to slice by; slice by a column with at most 50")]
        }
        return profile.counts.map { level, _ in
            let id = "model-evaluation/slice/\(column)=\(level)/\(metric.rawValue)"
            let rows = (0..<holdout.rowCount).filter { values.text(at: $0) == level }
            let subset = holdout.rows(rows)
            guard rows.count >= 30 else {
                return CheckResult(id: id, status: .skip, title: "\(metric.rawValue) where \(column) = \(level)",
                                   message: "too few holdout rows (\(rows.count); needs 30) to judge this slice")
            }
            let positions = Dictionary(uniqueKeysWithValues: rows.enumerated().map { ($1, $0) })
            func restricted(_ scored: ScoredHoldout) -> ScoredHoldout? {
                // Re-score the slice from the full holdout's samples: pick the rows in this slice.
                let keep = scored.labelledRows.enumerated().filter { positions[$0.element] != nil }.map(\.offset)
                return keep.isEmpty ? nil : scored.subset(keep, holdout: subset)
            }
            guard let sliceCandidate = restricted(candidate) else {
                return CheckResult(id: id, status: .skip, title: "\(metric.rawValue) where \(column) = \(level)", message: "no labelled rows in this slice")
            }
            return judge(metric, candidate: sliceCandidate, baseline: baseline.flatMap(restricted), id: id,
                         title: "\(metric.rawValue) where \(column) = \(level)", maxDrops: maxDrops, notes: [("slice_rows", .number(Double(rows.count)))])
        }
    }
}
