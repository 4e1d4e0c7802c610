import Foundation
import GateKit
import Training

/// The candidate and baseline models of one gate run (or the repository's own predictions),
/// scored on head's holdout: what model evaluation, behavioural and fairness checks judge.
///
/// Models go through the run's cache, so the plugins that need them train each once, and a
/// later run with the same data, settings and seed trains neither.
public struct ModelRun: Sendable {
    public let task: LearningTask
    public let holdout: Table
    public let candidate: ScoredHoldout
    public let baseline: ScoredHoldout?
    /// Both scored the same rows (always, for trained models).
    public let paired: Bool
    /// The fitted models, when trained (not in predictions mode).
    public let candidateModel: TrainedModel?
    public let baselineModel: TrainedModel?
    /// Facts for reports: the mode, where the holdout came from, both models on the baseline's holdout.
    public let notes: [(String, JSONValue)]

    public init(context: PluginContext, primary: WeightedMetrics.Name) throws(ModelError) {
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
            candidateModel = nil
            baselineModel = nil
        } else {
            let (trainRows, holdout) = context.head.holdout.map { (headTrain, $0) } ?? HoldoutSplit.split(headTrain, seed: seed)
            self.holdout = holdout
            if context.head.holdout == nil { notes.append(("holdout", "a seeded 20% of head's train (no data.holdout)")) }
            let split = context.head.holdout == nil
            let spec = Self.sampled(config.model, rows: trainRows.rowCount, features: task.features.count, memory: context.memory)
            let (model, candidateCached) = try TrainedModel.cached(task, on: trainRows, dataHash: context.head.contentHashes["train"], split: split,
                                                                   spec: spec, seed: seed, jobs: jobs, cache: context.cache,
                                                                   progress: Self.progress("candidate", rows: trainRows.rowCount, spec: spec, context: context))
            context.log(candidateCached ? "model: candidate model reused" : "model: candidate model trained")
            if let file = context.head.streamed["train"] {
                notes.append(("data_sample", .string("\(context.head.label(config.data.train)) is larger than the memory this run may use (\(MemoryBudget.text(file.bytes))): models train on a seeded sample of \(file.sampledRows) of its \(file.rows) rows")))
            }
            if let limit = spec.sampleRows, trainRows.rowCount > limit {
                let why = config.model.sampleRows != nil ? "model.sample_rows" : "the default for \(MemoryBudget.text(context.memory.available)) of memory; set model.sample_rows to choose"
                notes.append(("training_sample", .string("trained on a seeded sample of \(limit) of \(trainRows.rowCount) rows, stratified by label (\(why))")))
            }
            candidateModel = model
            candidate = ScoredHoldout(task: task, holdout: holdout, scores: model.scores(holdout, jobs: jobs), classes: task.classes)
            if let baseTable = context.baseline.train {
                let baseConfig = context.baseline.configuration ?? config
                let baseTask = try LearningTask(configuration: baseConfig, train: baseTable)
                let split = context.baseline.holdout == nil
                let baseTrain = split ? HoldoutSplit.split(baseTable, seed: seed).train : baseTable
                let baseSpec = Self.sampled(baseConfig.model, rows: baseTrain.rowCount, features: baseTask.features.count, memory: context.memory)
                let (baseModel, cached) = try TrainedModel.cached(baseTask, on: baseTrain, dataHash: context.baseline.contentHashes["train"],
                                                                  split: split, spec: baseSpec, seed: seed, jobs: jobs, cache: context.cache,
                                                                  progress: Self.progress("baseline", rows: baseTrain.rowCount, spec: baseSpec, context: context))
                context.log(cached ? "model: baseline model reused from the cache" : "model: baseline model trained")
                baselineModel = baseModel
                baseline = ScoredHoldout(task: task, holdout: holdout, scores: baseModel.scores(holdout, jobs: jobs), classes: baseTask.classes)
                paired = true
                // Both models on the baseline's own holdout too, for a reviewer's comparison.
                let baseHoldout = context.baseline.holdout ?? HoldoutSplit.split(baseTable, seed: seed).holdout
                let onBase = [("baseline_model", baseModel, baseTask.classes), ("candidate_model", model, task.classes)].map { name, m, classes in
                    (name, JSONValue.number(ScoredHoldout(task: baseTask, holdout: baseHoldout, scores: m.scores(baseHoldout, jobs: jobs), classes: classes)
                        .sample(primary)?.value(primary)))
                }
                notes.append(("on_baseline_holdout", .object([("metric", .string(primary.rawValue))] + onBase)))
            } else {
                baseline = nil
                baselineModel = nil
                paired = false
            }
            notes.append(("mode", .string("trained \(config.model.kind.rawValue)")))
        }
        self.notes = notes
    }

    /// Reports boosting progress as trees done and rows per second, for a terminal.
    static func progress(_ which: String, rows: Int, spec: ModelSpec, context: PluginContext) -> @Sendable (Int) -> Void {
        let start = ContinuousClock.now
        return { trees in
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let rate = seconds > 0 ? Int(Double(rows * trees) / seconds) : 0
            context.status("model: training the \(which) model, tree \(trees)/\(spec.trees) (\(rate) rows·trees/s)")
        }
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

    /// `spec` with the sample size models train on: `model.sample_rows`, or when that is not set
    /// and the rows would not fit the memory budget, as many as do. Left unset otherwise, so
    /// that cache keys do not depend on the machine's memory.
    static func sampled(_ spec: ModelSpec, rows: Int, features: Int, memory: MemoryBudget) -> ModelSpec {
        guard spec.sampleRows == nil else { return spec }
        let fits = memory.trainingRows(features: features)
        guard rows > fits else { return spec }
        var sampled = spec
        sampled.sampleRows = fits
        return sampled
    }
}
