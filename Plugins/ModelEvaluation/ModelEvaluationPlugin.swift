import GateKit
import Training

/// Is the retrained model at least as good as the one on main? Trains the baseline model on
/// the baseline's data and the candidate on head's (or reads the repository's own
/// predictions), scores both on head's holdout, and judges each metric with a paired
/// bootstrap interval of the change.
public struct ModelEvaluationPlugin: Plugin {
    public let name = "model-evaluation"
    public let summary = "candidate vs baseline model on head's holdout: metrics with thresholds and bootstrap intervals, slices"
    public let catalog: [CheckDescription] = [
        CheckDescription("METRIC", "auc, pr_auc, accuracy, f1, precision, recall, log_loss, brier, ece, rmse, mae, r2: below min fails; a drop beyond max_drop fails when the paired bootstrap 95% CI of the change excludes zero, else warns"),
        CheckDescription("slice/COL=VALUE/METRIC", "the primary metric within each value of a slices: column, judged the same way"),
        CheckDescription("training", "error when a model cannot be trained or scored, with the reason"),
    ]

    public init() {}

    public func run(_ context: PluginContext) -> [CheckResult] {
        do {
            return try Evaluation(context: context).checks()
        } catch {
            return [CheckResult(id: "model-evaluation/training", status: .error, title: "Model training",
                                message: "could not evaluate the model: \(error.description)")]
        }
    }

    /// Metrics, primary metric and the default max_drop for a task.
    static func defaults(_ task: TaskKind) -> (metrics: [String], primary: String) {
        switch task {
        case .binary: (["auc", "accuracy", "f1", "log_loss"], "auc")
        case .multiclass: (["accuracy", "log_loss"], "accuracy")
        case .regression: (["rmse", "mae", "r2"], "r2")
        }
    }
}

/// One evaluation: the two models (or prediction files), scored, and judged metric by metric.
struct Evaluation {
    let context: PluginContext
    let policy: ModelEvaluationPolicy
    let task: LearningTask
    let holdout: Table
    let candidate: ScoredHoldout
    let baseline: ScoredHoldout?
    let paired: Bool
    let notes: [(String, JSONValue)]

    init(context: PluginContext) throws(ModelError) {
        self.context = context
        policy = context.policy.modelEvaluation
        guard let config = context.head.configuration, let headTrain = context.head.train else { throw .training("head has no training data") }
        task = try LearningTask(configuration: config, train: headTrain)
        let jobs = context.jobs, seed = context.seed
        var notes: [(String, JSONValue)] = []

        if config.data.predictions != nil {
            // The repository's own model: its predictions on head's holdout, in row order.
            guard let holdout = context.head.holdout else { throw .unsupported("data.predictions needs data.holdout: the predictions are of the holdout's rows") }
            guard let predictions = context.head.tables["predictions"] else { throw .training("the predictions file could not be read at head") }
            self.holdout = holdout
            candidate = ScoredHoldout(task: task, holdout: holdout, scores: try Self.scores(predictions, task: task, rows: holdout.rowCount), classes: task.classes)
            if let basePredictions = context.baseline.tables["predictions"], let baseHoldout = context.baseline.holdout,
               let baseConfig = context.baseline.configuration, let baseTask = try? LearningTask(configuration: baseConfig, train: context.baseline.train ?? baseHoldout) {
                let scores = try Self.scores(basePredictions, task: baseTask, rows: baseHoldout.rowCount)
                let scored = ScoredHoldout(task: task, holdout: baseHoldout, scores: scores, classes: baseTask.classes)
                baseline = scored
                // Paired only when both sides scored the same holdout: same rows, same labels.
                let target = task.target
                let sameLabels = (0..<holdout.rowCount).allSatisfy { holdout.column(target)?.text(at: $0) == baseHoldout.column(target)?.text(at: $0) }
                paired = baseHoldout.rowCount == holdout.rowCount && scored.labelledRows == candidate.labelledRows && sameLabels
                notes.append(("mode", "predictions"))
            } else {
                baseline = nil
                paired = false
                notes.append(("mode", "predictions (the baseline has none)"))
            }
        } else {
            let (trainRows, holdout) = context.head.holdout.map { (headTrain, $0) } ?? HoldoutSplit.split(headTrain, seed: seed)
            self.holdout = holdout
            if context.head.holdout == nil { notes.append(("holdout", "a seeded 20% of head's train (no data.holdout)")) }
            let model = try TrainedModel.train(task, on: trainRows, spec: config.model, seed: seed, jobs: jobs)
            candidate = ScoredHoldout(task: task, holdout: holdout, scores: model.scores(holdout, jobs: jobs), classes: task.classes)
            if let baseTable = context.baseline.train {
                let baseConfig = context.baseline.configuration ?? config
                let baseTask = try LearningTask(configuration: baseConfig, train: baseTable)
                let split = context.baseline.holdout == nil
                let baseTrain = split ? HoldoutSplit.split(baseTable, seed: seed).train : baseTable
                let (baseModel, cached) = try TrainedModel.cached(baseTask, on: baseTrain, dataHash: context.baseline.contentHashes["train"],
                                                                  split: split, spec: baseConfig.model, seed: seed, jobs: jobs, cache: context.cache)
                context.log(cached ? "model-evaluation: baseline model reused from the cache" : "model-evaluation: baseline model trained")
                baseline = ScoredHoldout(task: task, holdout: holdout, scores: baseModel.scores(holdout, jobs: jobs), classes: baseTask.classes)
                paired = true
                // Both models on the baseline's own holdout too, for a reviewer's comparison.
                let baseHoldout = context.baseline.holdout ?? HoldoutSplit.split(baseTable, seed: seed).holdout
                let primary = WeightedMetrics.Name(rawValue: policy.primary ?? ModelEvaluationPlugin.defaults(task.kind).primary) ?? .accuracy
                let onBase = [("baseline_model", baseModel, baseTask.classes), ("candidate_model", model, task.classes)].map { name, m, classes in
                    (name, JSONValue.number(ScoredHoldout(task: baseTask, holdout: baseHoldout, scores: m.scores(baseHoldout, jobs: jobs), classes: classes)
                        .sample(primary)?.value(primary)))
                }
                notes.append(("on_baseline_holdout", .object([("metric", .string(primary.rawValue))] + onBase)))
            } else {
                baseline = nil
                paired = false
            }
            notes.append(("mode", .string("trained \(config.model.kind.rawValue)")))
        }
        self.notes = notes
    }

    /// Scores from a predictions table: `score` (positive probability) or `prediction`.
    static func scores(_ predictions: Table, task: LearningTask, rows: Int) throws(ModelError) -> [Double] {
        guard predictions.rowCount == rows else {
            throw .training("the predictions file has \(predictions.rowCount) rows and the holdout \(rows); it must hold one prediction per holdout row, in order")
        }
        if task.kind == .binary, let score = predictions.column("score")?.numericValues { return score }
        guard let prediction = predictions.column("prediction") else { throw .training("the predictions file needs a `prediction` column (and optionally `score`)") }
        switch task.kind {
        case .binary:
            return (0..<rows).map { r in
                let text = prediction.text(at: r)
                return text == task.positive || text == "1" || text.lowercased() == "true" ? 1 : 0
            }
        case .regression:
            guard let values = prediction.numericValues else { throw .training("regression predictions must be numbers") }
            return values
        case .multiclass:
            let index = Dictionary(uniqueKeysWithValues: task.classes.enumerated().map { ($1, $0) })
            var out = [Double](repeating: 0, count: rows * task.classes.count)
            for r in 0..<rows { if let c = index[prediction.text(at: r)] { out[r * task.classes.count + c] = 1 } }
            return out
        }
    }

    func checks() -> [CheckResult] {
        let defaults = ModelEvaluationPlugin.defaults(task.kind)
        let primary = policy.primary ?? defaults.primary
        let maxDrops = policy.maxDrop ?? [MetricBound(metric: primary, value: 0.01)]
        var results: [CheckResult] = []
        for name in policy.metrics ?? defaults.metrics {
            guard let metric = WeightedMetrics.Name(rawValue: name) else { continue }
            results.append(judge(metric, candidate: candidate, baseline: baseline, id: "model-evaluation/\(name)",
                                 title: "\(name) on head's holdout", maxDrops: maxDrops, notes: notes))
        }
        if let metric = WeightedMetrics.Name(rawValue: primary) {
            for column in policy.slices { results += slices(column, metric: metric, maxDrops: maxDrops) }
        }
        return results
    }

    private func judge(_ metric: WeightedMetrics.Name, candidate: ScoredHoldout, baseline: ScoredHoldout?, id: String, title: String,
                       maxDrops: [MetricBound], notes: [(String, JSONValue)]) -> CheckResult {
        guard let sample = candidate.sample(metric) else {
            return CheckResult(id: id, status: .error, title: title, message: "\(metric.rawValue) is not defined for a \(task.kind.rawValue) task; choose metrics that are")
        }
        let baseSample = baseline?.sample(metric)
        let interval = baseSample.map {
            PairedBootstrap.interval(metric, candidate: sample, baseline: $0, paired: paired, resamples: policy.bootstrap,
                                     seed: context.seed ^ Mixing.mix64(UInt64(id.utf8.reduce(0) { $0 &* 31 &+ UInt64($1) })), jobs: context.jobs)
        }
        return MetricJudgement(id: id, title: title, metric: metric, candidate: sample.value(metric), baseline: baseSample?.value(metric),
                               interval: interval, minimum: policy.min?.first { $0.metric == metric.rawValue }?.value,
                               maxDrop: maxDrops.first { $0.metric == metric.rawValue }?.value, rows: candidate.rows,
                               extraDetails: notes + [("paired", .bool(paired))]).result()
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
