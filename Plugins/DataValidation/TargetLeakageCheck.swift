import GateKit
import Training

/// `data-validation/target-leakage/COL`: a feature that restates or nearly determines the
/// label, which a model learns instead of the problem (an `approved_text` beside `approved`,
/// a refund amount that exists only for churned customers).
///
/// How it is computed, per feature the model reads:
/// 1. One to one: the column's values and the label's classes pair up exactly (each value
///    with one class and each class with one value) on the labelled training rows.
/// 2. Single-feature score on held-out rows: the training rows are grouped by the feature's
///    value (a category, missing, or one of up to 64 bins cut at the training values'
///    quantiles); each group predicts its training rows' positive rate (binary), class shares
///    (multiclass) or mean (regression), unseen groups the overall one; the score is the AUC
///    (binary; multiclass: the mean one-vs-rest AUC) or R² (regression) of those predictions
///    on the holdout (`data.holdout`, or the rows the content split holds out).
/// Either ≥ 0.99 fails. A column that leaked at the baseline as well warns (preexisting).
struct TargetLeakageCheck {
    let input: ValidationInput

    static let threshold = 0.99
    static let maxBins = 64
    /// Fewer labelled rows than this on either side and the score would be noise.
    static let minRows = 30

    struct Finding {
        let score: Double
        let oneToOne: Bool
        let metric: String
    }

    func results() -> [CheckResult] {
        let config = input.configuration, target = config.target
        guard case .memory(let train)? = Self.table(input.head, sample: input.context.head.train),
              train.column(target) != nil else { return [] }
        let excluded = Set(config.features.ignore + [target] + config.datetimeColumns).union(Set(config.features.protected).subtracting(config.features.useProtected))
        let features = train.columnNames.filter { !excluded.contains($0) }
        let heldOut = Self.holdout(train: train, file: input.headHoldout, features: features, target: target, seed: input.context.seed)
        // A feature the holdout file lacks is judged on the rows a content split of train holds out
        // (without a holdout file, that is what `heldOut` already is).
        let lacking = features.contains { heldOut.holdout.column($0) == nil }
        let split = input.headHoldout == nil || !lacking ? heldOut
            : Self.holdout(train: train, file: nil, features: features, target: target, seed: input.context.seed)
        let kind = config.task
        let heldOutLabels = LabelCodes(target: target, task: kind, train: heldOut.train, holdout: heldOut.holdout)
        let splitLabels = lacking ? LabelCodes(target: target, task: kind, train: split.train, holdout: split.holdout) : heldOutLabels
        let found = Parallel.map(features.count, jobs: input.context.jobs) { i -> (name: String, finding: Finding)? in
            let name = features[i]
            let (sides, labels) = heldOut.holdout.column(name) == nil ? (split, splitLabels) : (heldOut, heldOutLabels)
            guard let finding = Self.evaluate(name, target: target, task: kind, train: sides.train, holdout: sides.holdout, labels: labels),
                  finding.oneToOne || finding.score >= Self.threshold else { return nil }
            return (name, finding)
        }.compactMap { $0 }
        guard !found.isEmpty else { return [] }
        // Whether the column leaked at the baseline too: its rows are read only now, when a
        // column leaks (a profile from the cache holds no rows).
        let baseline: (train: TableRows, holdout: TableRows)? = {
            let rows: DataSet? = if case .profiled? = input.baseline { input.context.baseline.train.map(DataSet.memory) } else { input.baseline }
            guard case .memory(let table)? = Self.table(rows, sample: input.context.baseline.train), table.column(target) != nil else { return nil }
            let file: Table? = switch input.baseline {
            case .profiled?: input.context.baseline.holdout
            default: input.baselineHoldout.flatMap { if case .memory(let t) = $0 { t } else { nil } }
            }
            return Self.holdout(train: table, file: file.map(DataSet.memory), features: features, target: target, seed: input.context.seed)
        }()
        return Parallel.map(found.count, jobs: input.context.jobs) { i -> CheckResult in
            let (name, finding) = found[i]
            let before = baseline.flatMap { Self.evaluate(name, target: target, task: kind, train: $0.train, holdout: $0.holdout) }
            return Self.check(name, target: target, finding: finding, baseline: before, strict: input.strict)
        }
    }

    static func check(_ name: String, target: String, finding: Finding, baseline: Finding?, strict: Bool) -> CheckResult {
        let how = finding.oneToOne
            ? "its values pair one to one with the classes of '\(target)'"
            : "on its own it predicts '\(target)' with \(finding.metric) \(Presentation.number(finding.score)) on held-out rows (≥ \(Presentation.number(threshold)))"
        let result = CheckResult(
            id: "data-validation/target-leakage/\(name)", status: .fail, title: "\(name) restates the target",
            message: "'\(name)' nearly determines the label: \(how). A model would learn it instead of the problem; if it is known only after the outcome, add it to features.ignore",
            metric: finding.metric, value: finding.score, baseline: baseline?.score, threshold: threshold,
            details: .object([("one_to_one", .bool(finding.oneToOne)), ("score", .number(finding.score)), ("score_metric", .string(finding.metric)),
                              ("baseline_score", .number(baseline?.score))]))
        // A one-to-one column restates the label whatever its score on a small holdout.
        return result.judged(finding.oneToOne ? 1 : finding.score, against: .below(threshold),
                             baseline: baseline.map { $0.oneToOne ? 1 : $0.score }, strict: strict)
    }

    /// A table to compute on: the file read whole, or the sample models train on for a stream.
    static func table(_ set: DataSet?, sample: Table?) -> DataSet? {
        switch set {
        case .memory?: set
        case .stream?, .profiled?, .remote?: sample.map(DataSet.memory)
        case nil: nil
        }
    }

    /// Train and held-out rows: the holdout file, or the rows a content split of train holds out.
    /// Past `maxRows` training rows, a content-chosen subset of them: the score is a share, and
    /// its estimate on 100,000 rows is as good as on millions for a ≥ 0.99 threshold.
    static func holdout(train: Table, file: DataSet?, features: [String], target: String, seed: UInt64) -> (train: TableRows, holdout: TableRows) {
        let split = ContentSplit(keys: ContentSplit.keys(head: features, baseline: nil, target: target), seed: seed)
        let keys = split.rowKeys(train, role: .head)
        let stride = UInt64(max(1, (train.rowCount + maxRows - 1) / maxRows))
        var trainRows: [Int] = [], heldRows: [Int] = []
        let useFile: Table? = if case .memory(let holdout)? = file { holdout } else { nil }
        for (row, key) in keys.enumerated() {
            if useFile == nil && split.isHoldout(key) { heldRows.append(row); continue }
            if stride == 1 || Mixing.mix64(key ^ 0x7F4A_7C15) % stride == 0 { trainRows.append(row) }
        }
        let kept = TableRows(train, rows: trainRows.count == train.rowCount ? nil : trainRows)
        return (kept, useFile.map { TableRows($0, rows: nil) } ?? TableRows(train, rows: heldRows))
    }

    static let maxRows = 100_000

    /// The single-feature evidence for `name`; nil when there is too little data to tell.
    ///   - labels: the label's class codes on both sides, when the caller judges many features on
    ///     the same rows (made here otherwise).
    static func evaluate(_ name: String, target: String, task: TaskKind, train: TableRows, holdout: TableRows, labels: LabelCodes? = nil) -> Finding? {
        guard let feature = train.column(name), let label = train.column(target),
              let heldFeature = holdout.column(name), let heldLabel = holdout.column(target) else { return nil }
        let groups = Grouping(feature)
        let trainGroups = groups.groups(of: feature), heldGroups = groups.groups(of: heldFeature)
        switch task {
        case .regression:
            guard let y = label.numericValues, let heldY = heldLabel.numericValues else { return nil }
            var sum = [Double](repeating: 0, count: groups.count), n = [Double](repeating: 0, count: groups.count)
            var total = 0.0, count = 0.0
            for r in 0..<train.rowCount where y[r].isFinite { sum[trainGroups[r]] += y[r]; n[trainGroups[r]] += 1; total += y[r]; count += 1 }
            var truth: [Double] = [], predicted: [Double] = []
            for r in 0..<holdout.rowCount where heldY[r].isFinite {
                let g = heldGroups[r]
                truth.append(heldY[r])
                predicted.append(g >= 0 && n[g] > 0 ? sum[g] / n[g] : total / max(1, count))
            }
            guard Int(count) >= minRows, truth.count >= minRows else { return nil }
            return Finding(score: Metrics.r2(truth, predicted), oneToOne: false, metric: "r2")
        case .binary, .multiclass:
            let codes = labels ?? LabelCodes(label: label, held: heldLabel)
            let y = codes.train, heldY = codes.holdout, k = codes.classes
            guard k >= 2 else { return nil }
            var counts = [Double](repeating: 0, count: groups.count * k), prior = [Double](repeating: 0, count: k)
            var labelled = 0
            for r in 0..<train.rowCount where y[r] >= 0 {
                counts[trainGroups[r] * k + y[r]] += 1
                prior[y[r]] += 1
                labelled += 1
            }
            let oneToOne = Self.oneToOne(counts: counts, groups: groups.count, classes: k, missingGroup: groups.missingGroup)
            // Every held-out row of a group gets the same score, so the AUC follows from each
            // group's class counts (ties within and across groups counted as the ranks would).
            let unseen = groups.count
            var held = [Double](repeating: 0, count: (groups.count + 1) * k)
            var heldLabelled = 0
            for r in 0..<holdout.rowCount where heldY[r] >= 0 {
                let g = heldGroups[r] >= 0 ? heldGroups[r] : unseen
                held[g * k + heldY[r]] += 1
                heldLabelled += 1
            }
            guard labelled >= minRows, heldLabelled >= minRows else { return oneToOne && labelled >= minRows ? Finding(score: 1, oneToOne: true, metric: "auc") : nil }
            var aucs: [Double] = []
            for c in (k == 2 ? [1] : Array(0..<k)) {
                var scores: [Double] = [], positives: [Double] = [], negatives: [Double] = []
                for g in 0...unseen {
                    let rows = (0..<k).reduce(0.0) { $0 + held[g * k + $1] }
                    guard rows > 0 else { continue }
                    let n = g < unseen ? (0..<k).reduce(0.0) { $0 + counts[g * k + $1] } : 0
                    scores.append(n > 0 ? counts[g * k + c] / n : prior[c] / Double(labelled))
                    positives.append(held[g * k + c])
                    negatives.append(rows - held[g * k + c])
                }
                let p = positives.reduce(0, +)
                guard p > 0, p < Double(heldLabelled) else { continue }
                aucs.append(Metrics.rocAUC(scores: scores, positives: positives, negatives: negatives))
            }
            guard !aucs.isEmpty else { return nil }
            return Finding(score: aucs.reduce(0, +) / Double(aucs.count), oneToOne: oneToOne, metric: "auc")
        }
    }

    /// Each non-missing value with rows holds one class, each class one value, and there are at
    /// least two of each: the column is the label under other names.
    static func oneToOne(counts: [Double], groups: Int, classes k: Int, missingGroup: Int) -> Bool {
        var classOf = [Int](repeating: -1, count: groups), valuesPerClass = [Int](repeating: 0, count: k)
        var used = 0
        for g in 0..<groups where g != missingGroup {
            let present = (0..<k).filter { counts[g * k + $0] > 0 }
            if present.isEmpty { continue }
            guard present.count == 1 else { return false }
            classOf[g] = present[0]
            valuesPerClass[present[0]] += 1
            used += 1
        }
        return used >= 2 && valuesPerClass.allSatisfy { $0 <= 1 } && valuesPerClass.filter { $0 == 1 }.count >= 2
    }
}

/// A feature's rows in groups: categories by their text, numbers in quantile bins of the
/// training values, and one group for missing values.
private struct Grouping {
    let edges: [Double]?
    let levels: [String: Int]
    let count: Int
    let missingGroup: Int

    init(_ column: Column) {
        switch column.storage {
        case .numeric(let values):
            let sorted = RadixSort.sortedNonMissing(values)
            var edges: [Double] = []
            if !sorted.isEmpty {
                for i in 1..<TargetLeakageCheck.maxBins {
                    let edge = Quantiles.linear(sorted, Double(i) / Double(TargetLeakageCheck.maxBins))
                    if edges.last != edge { edges.append(edge) }
                }
            }
            self.edges = edges
            levels = [:]
            count = edges.count + 2
        case .categorical(_, let names):
            edges = nil
            var levels: [String: Int] = [:]
            for name in names where levels[name] == nil { levels[name] = levels.count }
            self.levels = levels
            count = levels.count + 1
        }
        missingGroup = count - 1
    }

    /// Each row's group; -1 for a category training never had.
    func groups(of column: Column) -> [Int] {
        switch column.storage {
        case .numeric(let values):
            guard let edges else { return values.map { _ in -1 } }
            return values.map { v in
                if v.isNaN { return missingGroup }
                var low = 0, high = edges.count
                while low < high { let mid = (low + high) / 2; if edges[mid] < v { low = mid + 1 } else { high = mid } }
                return low
            }
        case .categorical(let codes, let names):
            guard edges == nil else { return codes.map { _ in -1 } }
            let map = names.map { levels[$0] ?? -1 }
            return codes.map { $0 < 0 ? missingGroup : map[Int($0)] }
        }
    }
}

/// Some rows of a table, picked without copying it: a column is gathered when it is asked for,
/// one feature at a time. (Copying the picked rows of every column at once held a second
/// table the size of the sample a Spark source sends: 20 MB at 100,000 rows × 26 columns.)
struct TableRows: Sendable {
    let table: Table
    /// Row indices into `table`; nil for all of them.
    let rows: [Int]?

    init(_ table: Table, rows: [Int]?) {
        self.table = table
        self.rows = rows
    }

    var rowCount: Int { rows?.count ?? table.rowCount }

    func column(_ name: String) -> Column? {
        guard let column = table.column(name) else { return nil }
        guard let rows else { return column }
        switch column.storage {
        case .numeric(let values):
            let picked = rows.map { values[$0] }
            return Column(name: name, kind: column.kind, storage: .numeric(picked), nullCount: picked.reduce(0) { $1.isNaN ? $0 + 1 : $0 })
        case .categorical(let codes, let levels):
            let picked = rows.map { codes[$0] }
            return Column(name: name, kind: column.kind, storage: .categorical(codes: picked, levels: levels), nullCount: picked.reduce(0) { $1 < 0 ? $0 + 1 : $0 })
        }
    }
}

/// The label's class codes on a train and a holdout table, made once for all the features
/// judged on them.
struct LabelCodes: Sendable {
    let train: [Int]
    let holdout: [Int]
    let classes: Int

    init(label: Column, held: Column) {
        let coding = ClassCoding(label)
        train = coding.codes(of: label)
        holdout = coding.codes(of: held)
        classes = coding.count
    }

    /// For `target` on these tables; nil when either lacks it, or for a regression.
    init?(target: String, task: TaskKind, train: TableRows, holdout: TableRows) {
        guard task != .regression, let label = train.column(target), let held = holdout.column(target) else { return nil }
        self.init(label: label, held: held)
    }
}

/// Class labels as codes shared by train and holdout (by text); -1 for a missing label.
private struct ClassCoding {
    let index: [String: Int]
    var count: Int { index.count }

    init(_ label: Column) {
        let levels = CategoricalProfile(column: label).counts.map(\.level).sorted()
        index = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, $0) })
    }

    /// Categories map through their levels once; numbers through their values.
    func codes(of column: Column) -> [Int] {
        switch column.storage {
        case .categorical(let codes, let levels):
            let map = levels.map { index[$0] ?? -1 }
            return codes.map { $0 < 0 ? -1 : map[Int($0)] }
        case .numeric(let values):
            var byValue: [Double: Int] = [:]
            for (text, code) in index { if let v = Double(text) { byValue[v] = code } else if column.kind == .boolean { byValue[text == "true" ? 1 : 0] = code } }
            return values.map { $0.isNaN ? -1 : byValue[$0] ?? -1 }
        }
    }
}

/// The target-leakage rule for callers outside the check (`mlgate init` keeps such columns out
/// of the features it writes).
public enum TargetLeakage {
    /// Features of `train` that restate `target`, each with a short reason.
    public static func columns(train: Table, holdout: Table?, features: [String], target: String, task: TaskKind,
                               seed: UInt64) -> [(column: String, reason: String)] {
        let sides = TargetLeakageCheck.holdout(train: train, file: holdout.map(DataSet.memory), features: features, target: target, seed: seed)
        return features.compactMap { name in
            guard let finding = TargetLeakageCheck.evaluate(name, target: target, task: task, train: sides.train, holdout: sides.holdout),
                  finding.oneToOne || finding.score >= TargetLeakageCheck.threshold else { return nil }
            return (name, finding.oneToOne ? "its values pair one to one with the target's classes"
                                           : "on its own it predicts the target with \(finding.metric) \(Presentation.number(finding.score))")
        }
    }
}
