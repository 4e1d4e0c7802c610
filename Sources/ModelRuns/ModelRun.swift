import Foundation
import GateKit
import Training

/// The candidate and baseline models of one gate run (or the repository's own predictions),
/// scored on head's holdout: what model evaluation, behavioural, fairness and explain checks judge.
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
    /// Facts for reports: the mode, where the holdout came from, rows left out of the comparison,
    /// renamed columns, both models on the baseline's holdout.
    public let notes: [(String, JSONValue)]
    /// How the baseline model reads head's rows (renamed columns); nil without a baseline model.
    public let baselineView: BaselineView?
    /// Why the two models cannot be compared on head's rows (features the baseline model learned
    /// from are missing or retyped at head); nil when they can, or when there is no baseline.
    public let incomparable: String?

    /// The baseline model's scores for rows given as head names them (through renamed columns);
    /// nil without a baseline model or when it cannot read head's rows.
    public func baselineScores(_ table: Table, jobs: Int) -> [Double]? {
        guard let baselineModel, let baselineView, incomparable == nil else { return nil }
        return baselineModel.scores(baselineView.apply(table), jobs: jobs)
    }

    /// The baseline's own holdout (its file, or its content split's) and the baseline's task,
    /// for comparing both models there too; nil without a baseline model.
    public let baselineHoldout: Table?
    public let baselineTask: LearningTask?
    /// Names the baseline model and its own holdout file by content (the model's cache key and
    /// the file's blob), for caching what depends on those two alone; nil when either is not
    /// content-addressed (no cache key, a held-out share of the training file, a sampled file).
    public let baselineOnOwnHoldoutKey: String?

    /// The run's models, trained and scored once for every plugin that asks.
    public static func shared(_ context: PluginContext) throws(ModelError) -> ModelRun {
        let result: Result<ModelRun, ModelError> = context.shared.value("model-run") {
            Result { () throws(ModelError) in try ModelRun(context: context) }
        }
        return try result.get()
    }

    init(context: PluginContext) throws(ModelError) {
        guard let config = context.head.configuration, let headTrain = context.head.train else { throw .training("head has no training data") }
        task = try LearningTask(configuration: config, train: headTrain)
        var notes: [(String, JSONValue)] = []

        if config.data.predictions != nil {
            // The repository's own model: its predictions on head's holdout, in row order.
            guard let holdout = context.head.holdout else { throw .unsupported("data.predictions needs data.holdout: the predictions are of the holdout's rows") }
            guard let predictions = context.head.table("predictions") else { throw .training("the predictions file could not be read at head") }
            self.holdout = holdout
            candidate = ScoredHoldout(task: task, holdout: holdout, scores: try Self.scores(predictions, task: task, rows: holdout.rowCount), classes: task.classes)
            if let basePredictions = context.baseline.table("predictions"), let baseHoldout = context.baseline.holdout,
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
            baselineView = nil
            incomparable = nil
            baselineHoldout = nil
            baselineTask = nil
            baselineOnOwnHoldoutKey = nil
        } else {
            let trained = try Self.trained(context: context, config: config, task: task, headTrain: headTrain)
            holdout = trained.holdout
            candidate = trained.candidate
            baseline = trained.baseline
            paired = trained.baseline != nil
            candidateModel = trained.candidateModel
            baselineModel = trained.baselineModel
            baselineView = trained.view
            incomparable = trained.view?.incomparable
            baselineHoldout = trained.baselineHoldout
            baselineTask = trained.baselineTask
            baselineOnOwnHoldoutKey = trained.baselineOnOwnHoldoutKey
            notes += trained.notes
            notes.append(("mode", .string("trained \(config.model.kind.rawValue)")))
        }
        self.notes = notes
    }

    /// Both models trained and scored as SPEC §3 says: the candidate on head's training rows, the
    /// baseline model on the baseline's, each side split by row content when it has no holdout
    /// file (`ContentSplit`), both scored on head's holdout rows that neither trained on.
    private struct Trained {
        var holdout: Table
        var candidate: ScoredHoldout
        var baseline: ScoredHoldout?
        var candidateModel: TrainedModel
        var baselineModel: TrainedModel?
        var view: BaselineView?
        var baselineHoldout: Table?
        var baselineTask: LearningTask?
        var baselineOnOwnHoldoutKey: String?
        var notes: [(String, JSONValue)] = []
    }

    private static func trained(context: PluginContext, config: Configuration, task: LearningTask,
                                headTrain: Table) throws(ModelError) -> Trained {
        let jobs = context.jobs, seed = context.seed
        var notes: [(String, JSONValue)] = []
        let baseConfig = context.baseline.configuration ?? config
        // The baseline's digest and model from the cache when they are all the run needs;
        // otherwise its training file, read now.
        let cachedBaseline = Self.cachedBaseline(context: context, configuration: baseConfig, task: task, headTrain: headTrain)
        let digest = cachedBaseline?.digest
        let baseTable = cachedBaseline == nil ? context.baseline.train : nil
        var baseTask: LearningTask? = digest?.task
        if let baseTable { baseTask = try LearningTask(configuration: baseConfig, train: baseTable) }
        let renames = baseTable.map { RenameDetection.renames(from: $0, to: headTrain) } ?? []
        let split = ContentSplit(keys: ContentSplit.keys(head: task.features, baseline: baseTask?.features, target: task.target,
                                                         baselineTarget: baseTask?.target,
                                                         renames: Dictionary(renames.map { ($0.old, $0.new) }, uniquingKeysWith: { a, _ in a })),
                                 seed: seed)

        // Head: its holdout file, or the rows the content split holds out.
        let headSplit = context.head.holdout == nil
        let trainRows: Table, fullHoldout: Table, trainKeys: [UInt64]
        if let file = context.head.holdout {
            (trainRows, fullHoldout, trainKeys) = (headTrain, file, split.rowKeys(headTrain, role: .head))
        } else {
            let sides = split.split(headTrain, role: .head)
            (trainRows, fullHoldout, trainKeys) = (headTrain.rows(sides.train), headTrain.rows(sides.holdout), sides.trainKeys)
            notes.append(("holdout", "a seeded 20% of head's train, chosen by row content (no data.holdout)"))
        }
        // The baseline: the same rule at its revision, so an unchanged row is on the same side.
        let baseSplit = digest == nil && context.baseline.holdout == nil
        let baseSides = baseTable.map { split.split($0, role: .baseline) }
        let baseTrain = baseTable.map { table in baseSplit ? table.rows(baseSides!.train) : table }
        let baseTrainKeys = digest?.rowKeys ?? baseSides.map { baseSplit ? $0.trainKeys : $0.keys }
        let baseKind: (String) -> ColumnKind? = { name in digest?.kind(of: name) ?? baseTrain?.column(name)?.kind }
        if let baseTable, let baseTask, let baseSides, !baseSplit, let key = Self.digestKey(context: context, configuration: baseConfig) {
            context.cache?.store(key, BaselineDigest(table: baseTable, task: baseTask, keyColumns: split.keys.map(\.baseline), rowKeys: baseSides.keys).encoded())
        }
        let view = baseTask.map { baseTask in
            BaselineView(features: baseTask.features.compactMap { name in baseKind(name).map { (name, $0) } }, head: fullHoldout, renames: renames)
        }
        let learnedLevels: (String) -> Set<String>? = { name in
            if let digest { return digest.levels.first { $0.column == name }.map { Set($0.levels) } }
            guard let column = baseTrain?.column(name), column.kind == .categorical else { return nil }
            return EvaluationRows.levels(of: column)
        }
        let unseen: [(headName: String, baselineLevels: Set<String>)] = view?.incomparable != nil ? [] : (baseTask?.features ?? []).compactMap { name in
            guard let levels = learnedLevels(name) else { return nil }
            return (view?.headToBaseline.first { $0.value == name }?.key ?? name, levels)
        }
        // Content-split sides cannot overlap (identical rows share a side); a holdout file can.
        let rows = EvaluationRows(holdout: fullHoldout, split: split, baselineTrainKeys: view?.incomparable == nil ? baseTrainKeys : nil,
                                  headTrain: trainRows, headTrainKeys: trainKeys, checkOverlap: !(headSplit && (baseTask == nil || baseSplit)),
                                  unseen: unseen)
        guard !rows.kept.isEmpty else { throw .noComparisonRows(rows.summary) }
        let holdout = rows.leftOutCount > 0 ? fullHoldout.rows(rows.kept) : fullHoldout
        if rows.leftOutCount > 0 {
            notes.append(("left_out", rows.note))
            context.log("model: \(rows.summary)")
        }

        // The baseline's holdout is wanted after the fits (`baselineHoldout`); when the cache
        // left it unread, it is read during them, in what the fit leaves of the cores.
        if baseTask != nil { context.baseline.data.prefetch("holdout") }
        let timed = SectionTimer("model", log: context.log)
        let spec = sampled(config.model, rows: trainRows.rowCount, features: task.features.count, memory: context.memory)
        let headSplitRule = headSplit ? split.description : "holdout file"
        let cache = context.cache, headHash = context.head.contentHashes["train"]
        let fitCandidate = { @Sendable (jobs: Int) throws(ModelError) -> (model: TrainedModel, cached: Bool) in
            try TrainedModel.cached(task, on: trainRows, rowKeys: trainKeys, dataHash: headHash, split: headSplitRule, spec: spec, seed: seed,
                                    jobs: jobs, cache: cache, progress: progress("candidate", rows: trainRows.rowCount, spec: spec, context: context))
        }
        // The baseline's fit, when the run has a baseline model to compare and it is not the cached digest's.
        let baseRows = baseTrain?.rowCount ?? digest?.rows ?? 0
        let baseSpec = baseTask.map { sampled(baseConfig.model, rows: baseRows, features: $0.features.count, memory: context.memory) }
        let baseSplitRule = baseSplit ? split.description : "holdout file"
        let baseHash = context.baseline.contentHashes["train"]
        let fitBaseline: (@Sendable (Int) throws(ModelError) -> (model: TrainedModel, cached: Bool))? =
            if let baseTask, let baseTrain, let baseTrainKeys, let baseSpec, view != nil, cachedBaseline == nil {
                { @Sendable jobs throws(ModelError) in
                    try TrainedModel.cached(baseTask, on: baseTrain, rowKeys: baseTrainKeys, dataHash: baseHash, split: baseSplitRule, spec: baseSpec,
                                            seed: seed, jobs: jobs, cache: cache, progress: progress("baseline", rows: baseRows, spec: baseSpec, context: context))
                }
            } else { nil }

        let candidateKey = headHash.map { TrainedModel.cacheKey(task, on: trainRows, dataHash: $0, split: headSplitRule, spec: spec, seed: seed) }
        let baselineKey: String? = if let baseTask, let baseTrain, let baseSpec, let baseHash {
            TrainedModel.cacheKey(baseTask, on: baseTrain, dataHash: baseHash, split: baseSplitRule, spec: baseSpec, seed: seed)
        } else { nil }
        // Two fits of about the same size, neither cached, run side by side on a share of the
        // threads each: a fit on two threads spends about a seventh of its time waiting at the
        // steps it shares out, and one fit a thread waits for nothing (the models are the same
        // for any thread count, so nothing else changes). Only when both fit at once in the
        // memory one fit may take (`MemoryBudget.trainingRows`).
        func isCached(_ key: String?) -> Bool { key.map { cache?.contains($0) == true } ?? false }
        let fitRows = (candidate: min(trainRows.rowCount, spec.sampleRows ?? .max), baseline: min(baseRows, baseSpec?.sampleRows ?? .max))
        let together = jobs >= 2 && fitBaseline != nil
            && min(fitRows.candidate, fitRows.baseline) * 4 >= max(fitRows.candidate, fitRows.baseline) * 3
            && fitRows.candidate + fitRows.baseline <= context.memory.trainingRows(features: max(task.features.count, baseTask?.features.count ?? 0))
            && !isCached(candidateKey) && !isCached(baselineKey)
        let model: TrainedModel
        var baselineFit: TrainedModel?
        if together, let fitBaseline {
            let (candidateJobs, baselineJobs) = ((jobs + 1) / 2, jobs / 2)
            let (candidate, baseline) = Parallel.sideBySide({ Self.timedFit { () throws(ModelError) in try fitCandidate(candidateJobs) } },
                                                            { Self.timedFit { () throws(ModelError) in try fitBaseline(baselineJobs) } })
            let threads = candidateJobs == 1 && baselineJobs == 1 ? "a thread each" : "\(candidateJobs) and \(baselineJobs) threads"
            for (which, rows, fit) in [("candidate", trainRows.rowCount, candidate), ("baseline", baseRows, baseline)] {
                guard case .success(let done) = fit.result else { continue }   // its error is thrown below
                let what = done.cached ? "reused from the cache" : "trained on \(rows) rows"
                context.log("model: \(which) model \(what) in \(NumberText.fixed(fit.seconds, decimals: 2)) s, the two fits side by side (\(threads))")
            }
            model = try candidate.result.get().model
            baselineFit = try baseline.result.get().model
        } else {
            (model, _) = try timed({ () throws(ModelError) in try fitCandidate(jobs) },
                                   { $0.cached ? "candidate model reused from the cache" : "candidate model trained on \(trainRows.rowCount) rows" })
        }
        if let remote = context.head.remote["train"], let sampled = remote.sampled {
            notes.append(("data_sample", .string("\(config.data.train) is computed in \(remote.engine): models train on a seeded sample of \(sampled.rows) of its \(sampled.of) rows, chosen by a hash of each row's content")))
        }
        if let file = context.head.streamed["train"] {
            notes.append(("data_sample", .string("\(context.head.label(config.data.train)) is larger than the memory this run may use (\(MemoryBudget.text(file.bytes))): models train on a seeded sample of \(file.sampledRows) of its \(file.rows) rows")))
        }
        if let limit = spec.sampleRows, trainRows.rowCount > limit {
            let why = config.model.sampleRows != nil ? "model.sample_rows" : "the default for \(MemoryBudget.text(context.memory.available)) of memory; set model.sample_rows to choose"
            notes.append(("training_sample", .string("trained on a seeded sample of \(limit) of \(trainRows.rowCount) rows chosen by row content, stratified by label (\(why))")))
        }
        let candidateScores = timed("scored \(holdout.rowCount) holdout rows with the candidate model") { model.scores(holdout, jobs: jobs) }
        var result = Trained(holdout: holdout, candidate: ScoredHoldout(task: task, holdout: holdout, scores: candidateScores, classes: task.classes),
                             baseline: nil, candidateModel: model, baselineModel: nil, view: view)

        let baseModel: TrainedModel?
        if let cachedBaseline {
            baseModel = timed({ cachedBaseline.model }, { _ in "baseline model reused from the cache" })
        } else if let baselineFit {
            baseModel = baselineFit
        } else if let fitBaseline {
            baseModel = try timed({ () throws(ModelError) in try fitBaseline(jobs) },
                                  { $0.cached ? "baseline model reused from the cache" : "baseline model trained on \(baseRows) rows" }).model
        } else {
            baseModel = nil
        }
        if let baseTask, let view, let baseModel {
            result.baselineModel = baseModel
            if let modelKey = cachedBaseline?.key ?? baselineKey, let holdoutHash = context.baseline.contentHashes["holdout"], context.baseline.streamed.isEmpty {
                result.baselineOnOwnHoldoutKey = CacheKey.digest([modelKey, holdoutHash].joined(separator: "\u{0}"))
            }
            if let why = view.incomparable {
                notes.append(("baseline_model", .string("not comparable: \(why)")))
            } else {
                let scores = timed("scored \(holdout.rowCount) holdout rows with the baseline model") { baseModel.scores(view.apply(holdout), jobs: jobs) }
                result.baseline = ScoredHoldout(task: task, holdout: holdout, scores: scores, classes: baseTask.classes)
                if !view.mapped.isEmpty {
                    notes.append(("renamed", .string("the baseline model read renamed columns under their old names: "
                        + view.mapped.map { "\($0.old) → \($0.new)" }.joined(separator: ", "))))
                }
            }
            // The baseline's own holdout, on which a reviewer may compare both models too.
            result.baselineHoldout = context.baseline.holdout ?? baseTable.flatMap { table in baseSides.map { table.rows($0.holdout) } }
            result.baselineTask = baseTask
        }
        result.notes = notes
        return result
    }

    /// A fit's outcome and how long it took, for fits run side by side (logged after both end).
    private static func timedFit(_ fit: () throws(ModelError) -> (model: TrainedModel, cached: Bool))
        -> (result: Result<(model: TrainedModel, cached: Bool), ModelError>, seconds: Double) {
        let start = ContinuousClock.now
        let result = Result(catching: fit)
        return (result, SectionTimer.seconds(since: start))
    }

    /// Whether the cache holds the baseline's digest for this run's files, asked before any is read.
    public static func hasBaselineDigest(_ probe: BaselineProbe) -> Bool {
        guard probe.head.data.predictions == nil, let cache = probe.cache, cache.isPersistent,
              let trainHash = probe.baselineContentHashes["train"], probe.baselineContentHashes["holdout"] != nil else { return false }
        return cache.contains(BaselineDigest.key(trainHash: trainHash, configuration: probe.baseline ?? probe.head))
    }

    /// The cache key of the baseline's digest: only with a persistent cache, and a baseline with a
    /// holdout file (without one, its held-out rows come from the training file).
    private static func digestKey(context: PluginContext, configuration: Configuration) -> String? {
        guard let cache = context.cache, cache.isPersistent, let trainHash = context.baseline.contentHashes["train"],
              context.baseline.contentHashes["holdout"] != nil, context.baseline.streamed.isEmpty else { return nil }
        return BaselineDigest.key(trainHash: trainHash, configuration: configuration)
    }

    /// The baseline's digest and model, both from the cache, when they stand for its training
    /// file in this run: every baseline column is in head's training data (so no rename is to be
    /// found in the values), the split hashes the key columns the digest did, and the model the
    /// digest's task and types name is cached. Nil otherwise: the file is read.
    private static func cachedBaseline(context: PluginContext, configuration: Configuration, task: LearningTask,
                                       headTrain: Table) -> (digest: BaselineDigest, model: TrainedModel, key: String)? {
        guard let key = digestKey(context: context, configuration: configuration), let cache = context.cache,
              let trainHash = context.baseline.contentHashes["train"], let bytes = cache.load(key),
              let digest = BaselineDigest(decoding: bytes) else { return nil }
        let headNames = Set(headTrain.columnNames)
        let keys = ContentSplit(keys: ContentSplit.keys(head: task.features, baseline: digest.task.features, target: task.target,
                                                        baselineTarget: digest.task.target), seed: context.seed).keys
        let spec = sampled(configuration.model, rows: digest.rows, features: digest.task.features.count, memory: context.memory)
        let modelKey = TrainedModel.cacheKey(digest.task, kinds: digest.task.features.map(digest.kind(of:)), targetKind: digest.kind(of: digest.task.target),
                                             dataHash: trainHash, split: "holdout file", spec: spec, seed: context.seed)
        let why: String
        if !digest.columns.allSatisfy({ headNames.contains($0.name) }) {
            why = "head lacks some of its columns"
        } else if keys.map(\.baseline) != digest.keyColumns {
            why = "head's features changed the split's key columns"
        } else if let model = TrainedModel.load(modelKey, from: cache) {
            return (digest, model, modelKey)
        } else {
            why = "its model is not cached"
        }
        context.log("model: the baseline's cached digest does not serve this run (\(why)); reading its training file")
        return nil
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
