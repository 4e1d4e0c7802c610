import Foundation
import GateKit
import Training

/// What one side's configuration says to learn, and the labels it learns from.
public struct LearningTask: Sendable {
    public let kind: TaskKind
    public let target: String
    public let features: [String]
    /// Binary: the level that counts as positive. Multiclass: the classes, in index order.
    public let positive: String?
    public let classes: [String]

    /// A task read before (`BaselineDigest`).
    init(kind: TaskKind, target: String, features: [String], positive: String?, classes: [String]) {
        (self.kind, self.target, self.features, self.positive, self.classes) = (kind, target, features, positive, classes)
    }

    /// Reads the task from a configuration and its training table.
    public init(configuration: Configuration, train: Table) throws(ModelError) {
        kind = configuration.task
        target = configuration.target
        guard let label = train.column(target) else { throw .missingTarget(target) }
        let excluded = Set(configuration.features.ignore + [target] + configuration.datetimeColumns)
            .union(Set(configuration.features.protected).subtracting(configuration.features.useProtected))
        features = train.columnNames.filter { !excluded.contains($0) }
        let levels = CategoricalProfile(column: label).counts.map(\.level)
        guard !levels.isEmpty else { throw .noLabels(target) }
        switch kind {
        case .binary:
            guard levels.count >= 2 else { throw .oneClass(target, levels[0]) }
            if let given = configuration.positive {
                guard levels.contains(given) else { throw .unknownPositive(given, levels) }
                positive = given
            } else {
                guard let found = ["1", "true", "yes", "True", "Yes"].first(where: levels.contains) else { throw .noDefaultPositive(levels) }
                positive = found
            }
            classes = []
        case .multiclass:
            positive = nil
            classes = levels.sorted()
        case .regression:
            guard label.kind == .numeric else { throw .nonNumericTarget(target) }
            positive = nil
            classes = []
        }
    }

    /// Rows of `table` with a label, and the labels.
    public func labelled(_ table: Table) -> (rows: [Int], binary: [Bool], classes: [Int], values: [Double])? {
        guard let column = table.column(target) else { return nil }
        let n = table.rowCount
        var rows: [Int] = [], binary: [Bool] = [], classIndex: [Int] = [], values: [Double] = []
        rows.reserveCapacity(n)
        switch kind {
        case .binary: binary.reserveCapacity(n)
        case .multiclass: classIndex.reserveCapacity(n)
        case .regression: values.reserveCapacity(n)
        }
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        // What a label's text says: −1 no label (or a class training never saw, which cannot be
        // scored), else 0/1 (binary) or the class index (multiclass).
        func label(_ text: String) -> Int {
            guard !text.isEmpty else { return -1 }
            return kind == .binary ? (text == positive ? 1 : 0) : index[text] ?? -1
        }
        switch (kind, column.storage) {
        case (.regression, .numeric(let numbers)):
            for r in 0..<n where numbers[r].isFinite {
                values.append(numbers[r])
                rows.append(r)
            }
        case (.regression, .categorical):
            break
        case (_, .categorical(let codes, let levels)):
            // Each level's label once, then a table lookup a row: no text made per row.
            let labels = levels.map(label)
            for r in 0..<n where codes[r] >= 0 {
                let l = labels[Int(codes[r])]
                guard l >= 0 else { continue }
                if kind == .binary { binary.append(l == 1) } else { classIndex.append(l) }
                rows.append(r)
            }
        case (_, .numeric(let numbers)):
            // A label column holds few distinct numbers: each one's text is made and judged once,
            // kept in a short list (beyond 16 distinct values, each row's text is made).
            var seen: [(bits: UInt64, label: Int)] = []
            for r in 0..<n {
                let bits = numbers[r].bitPattern
                let l: Int
                if let hit = seen.first(where: { $0.bits == bits }) {
                    l = hit.label
                } else {
                    l = label(column.text(at: r))
                    if seen.count < 16 { seen.append((bits, l)) }
                }
                guard l >= 0 else { continue }
                if kind == .binary { binary.append(l == 1) } else { classIndex.append(l) }
                rows.append(r)
            }
        }
        return (rows, binary, classIndex, values)
    }
}

public enum ModelError: Error, Equatable, CustomStringConvertible {
    case missingTarget(String)
    case unknownPositive(String, [String])
    case noDefaultPositive([String])
    case nonNumericTarget(String)
    case unsupported(String)
    case training(String)
    case noLabels(String)
    case oneClass(String, String)
    /// No holdout row is left that neither model trained on; the reason lists what was left out.
    case noComparisonRows(String)

    public var description: String {
        switch self {
        case .missingTarget(let t): "the target column '\(t)' is not in the training data"
        case .unknownPositive(let p, let levels): "positive: '\(p)' is not a value of the target (values: \(levels.prefix(10).joined(separator: ", ")))"
        case .noDefaultPositive(let levels): "the target's values (\(levels.prefix(10).joined(separator: ", "))) include none of 1, true, yes; set positive: in mlgate.yml"
        case .nonNumericTarget(let t): "task: regression needs a numeric target, and '\(t)' is not"
        case .unsupported(let what): what
        case .training(let why): "training failed: \(why)"
        case .noLabels(let t): "no row of the training data has a value in the target column '\(t)'; label the rows, or point target: at the label column"
        case .oneClass(let t, let level): "the target '\(t)' has one class ('\(level)') in the training data; a binary task needs rows of both classes"
        case .noComparisonRows(let why): "no holdout row is left to compare the models on (\(why)); keep holdout rows out of the training data"
        }
    }
}

/// A fitted model of one of the three kinds the configuration names.
public enum TrainedModel: Sendable, Codable {
    case gbdt(GradientBoostedTrees)
    case logistic(LogisticRegression)
    case ridge(RidgeRegression)

    /// - Parameter rowKeys: each row's content fingerprint (`ContentSplit.rowKeys`): a sample
    ///   (`spec.sampleRows`) keeps the rows with the smallest seeded keys, so that it does not
    ///   move when a PR removes or reorders other rows. Nil: keys from every column.
    public static func train(_ task: LearningTask, on table: Table, rowKeys: [UInt64]? = nil, spec: ModelSpec, seed: UInt64, jobs: Int,
                             progress: (@Sendable (Int) -> Void)? = nil) throws(ModelError) -> TrainedModel {
        let (rows, labelled) = try trainingRows(task, on: table, rowKeys: rowKeys, spec: spec, seed: seed)
        switch spec.kind {
        case .gbdt:
            var parameters = GradientBoostedTrees.Parameters()
            parameters.trees = spec.trees
            parameters.leaves = spec.leaves
            parameters.learningRate = spec.learningRate
            parameters.maxBins = spec.maxBins
            parameters.minSamplesLeaf = spec.minSamplesLeaf
            parameters.l2 = spec.l2
            parameters.subsample = spec.subsample
            parameters.colsample = spec.colsample
            parameters.seed = seed
            let targets: GradientBoostedTrees.Targets = switch task.kind {
            case .binary: .binary(labelled.binary)
            case .multiclass: .multiclass(labelled.classes, classes: task.classes.count)
            case .regression: .regression(labelled.values)
            }
            do {
                return .gbdt(try GradientBoostedTrees(fitting: rows, features: task.features, targets: targets, parameters: parameters,
                                                      jobs: jobs, progress: progress))
            }
            catch { throw .training(error.description) }
        case .logistic:
            guard task.kind == .binary else { throw .unsupported("model kind logistic fits binary tasks; use kind: gbdt for \(task.kind.rawValue)") }
            do { return .logistic(try LogisticRegression(fitting: rows, features: task.features, labels: labelled.binary, c: spec.c, jobs: jobs)) }
            catch { throw .training("\(error)") }
        case .linear:
            guard task.kind == .regression else { throw .unsupported("model kind linear fits regression tasks; use kind: logistic or gbdt for \(task.kind.rawValue)") }
            do { return .ridge(try RidgeRegression(fitting: rows, features: task.features, target: task.target, alpha: spec.alpha)) }
            catch { throw .training("\(error)") }
        }
    }

    /// The labelled rows a model trains on (a sample of them with `spec.sampleRows`), and their
    /// labels: not the rows' indices, which at a million rows are 8 MB a fit need not hold.
    private static func trainingRows(_ task: LearningTask, on table: Table, rowKeys: [UInt64]?, spec: ModelSpec,
                                     seed: UInt64) throws(ModelError) -> (Table, (binary: [Bool], classes: [Int], values: [Double])) {
        guard var labelled = task.labelled(table), !labelled.rows.isEmpty else { throw .training("no training rows with a label") }
        if let limit = spec.sampleRows, labelled.rows.count > limit {
            let keys = rowKeys ?? RowHashing.hashes(table, columns: table.columnNames)
            labelled = sample(labelled, to: limit, keys: labelled.rows.map { keys[$0] }, seed: seed, task: task)
        }
        let rows = labelled.rows.count == table.rowCount ? table : table.rows(labelled.rows)
        return (rows, (labelled.binary, labelled.classes, labelled.values))
    }

    /// The model for `task` on `table`, from the cache when an identical training ran before.
    ///
    /// The key covers everything a model depends on: the training core's version, the data's
    /// content hash, the task, the model spec, the holdout split's rule and the seed.
    public static func cached(_ task: LearningTask, on table: Table, rowKeys: [UInt64]? = nil, dataHash: String?, split: String, spec: ModelSpec,
                              seed: UInt64, jobs: Int, cache: (any ArtifactCache)?,
                              progress: (@Sendable (Int) -> Void)? = nil) throws(ModelError) -> (model: TrainedModel, cached: Bool) {
        guard let cache, let dataHash else {
            return (try train(task, on: table, rowKeys: rowKeys, spec: spec, seed: seed, jobs: jobs, progress: progress), false)
        }
        let key = cacheKey(task, on: table, dataHash: dataHash, split: split, spec: spec, seed: seed)
        if let model = load(key, from: cache) { return (model, true) }
        let model = try train(task, on: table, rowKeys: rowKeys, spec: spec, seed: seed, jobs: jobs, progress: progress)
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        if let data = try? encoder.encode(model) { cache.store(key, [UInt8](data)) }
        return (model, false)
    }

    /// Every input that shapes the model, the columns' types included: `features.categorical`
    /// and `schema:` types change how a column is read, and so the model.
    /// The key of the model `cached` trains on `table`.
    static func cacheKey(_ task: LearningTask, on table: Table, dataHash: String, split: String, spec: ModelSpec, seed: UInt64) -> String {
        cacheKey(task, kinds: task.features.map { table.column($0)?.kind }, targetKind: table.column(task.target)?.kind,
                 dataHash: dataHash, split: split, spec: spec, seed: seed)
    }

    static func cacheKey(_ task: LearningTask, kinds: [ColumnKind?], targetKind: ColumnKind?, dataHash: String, split: String, spec: ModelSpec,
                         seed: UInt64) -> String {
        let kinds = kinds.map { $0?.rawValue ?? "absent" }.joined(separator: "\u{1}")
        return CacheKey.digest([Metrics.coreVersion, dataHash, "\(split)", "\(seed)", "\(task.kind)", task.target,
                                task.positive ?? "", task.classes.joined(separator: "\u{1}"), task.features.joined(separator: "\u{1}"),
                                kinds, targetKind?.rawValue ?? "", "\(spec)"].joined(separator: "\u{0}"))
    }

    /// The model stored under `key`; nil when there is none, or it does not decode.
    static func load(_ key: String, from cache: any ArtifactCache) -> TrainedModel? {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let bytes = cache.load(key) else { return nil }
        return try? decoder.decode(TrainedModel.self, from: Data(bytes))
    }

    /// A seeded sample of at most `limit` labelled rows, stratified by label for classification
    /// (each class keeps its share), in the original row order (`model.sample_rows`). Within a
    /// class the rows with the smallest seeded content keys are kept: a row's membership depends
    /// on its own content, not on its position or on which other rows exist.
    static func sample(_ labelled: (rows: [Int], binary: [Bool], classes: [Int], values: [Double]), to limit: Int, keys: [UInt64], seed: UInt64,
                       task: LearningTask) -> (rows: [Int], binary: [Bool], classes: [Int], values: [Double]) {
        let n = labelled.rows.count
        let strata: [Int] = switch task.kind {
        case .binary: labelled.binary.map { $0 ? 1 : 0 }
        case .multiclass: labelled.classes
        case .regression: Array(repeating: 0, count: n)
        }
        var byStratum: [Int: [Int]] = [:]
        for i in 0..<n { byStratum[strata[i], default: []].append(i) }
        let salt = Mixing.mix64(seed ^ 0x5A3B_1E5E)
        var keep: [Int] = []
        for stratum in byStratum.keys.sorted() {
            let members = byStratum[stratum]!
            let quota = Int((Double(members.count) * Double(limit) / Double(n)).rounded())
            let ranked = members.map { (Mixing.mix64(keys[$0] ^ salt), $0) }.sorted { $0 < $1 }
            keep += ranked.prefix(quota).map(\.1)
        }
        keep.sort()
        return (keep.map { labelled.rows[$0] },
                labelled.binary.isEmpty ? [] : keep.map { labelled.binary[$0] },
                labelled.classes.isEmpty ? [] : keep.map { labelled.classes[$0] },
                labelled.values.isEmpty ? [] : keep.map { labelled.values[$0] })
    }

    /// Exact per-row contributions to the raw score (TreeSHAP for trees, w · (x − mean) for the
    /// linear models).
    public func contributions(_ table: Table, jobs: Int) -> Contributions {
        switch self {
        case .gbdt(let model): model.contributions(table, jobs: jobs)
        case .logistic(let model): model.contributions(table)
        case .ridge(let model): model.contributions(table)
        }
    }

    /// Positive-class probabilities (binary), predictions (regression), or class
    /// probabilities row-major (multiclass).
    public func scores(_ table: Table, jobs: Int) -> [Double] {
        switch self {
        case .gbdt(let model): model.predict(table, jobs: jobs)
        case .logistic(let model): model.predictProbabilities(table)
        case .ridge(let model): model.predict(table)
        }
    }
}
