import GateKit
import Training

/// A model's scores on a holdout's labelled rows, ready for every metric.
public struct ScoredHoldout: Sendable {
    public let task: LearningTask
    /// Binary and regression: one sample; multiclass: correctness (for accuracy) and the true
    /// class's probability (for log loss), which is how those two metrics reduce to binary ones.
    public let primary: WeightedMetrics
    public let trueClassProbability: WeightedMetrics?
    public let rows: Int
    public let labelledRows: [Int]
    /// The model's scores for every holdout row (row-major by class for multiclass), and its
    /// classes in score order: what per-row explanations (flips, losses) read.
    public let scores: [Double]
    public let scoreClasses: [String]

    /// - Parameters:
    ///   - scores: per holdout row (row-major by class for multiclass, in `classes` order).
    ///   - classes: the scoring model's classes (multiclass), which may differ from the holdout's.
    public init(task: LearningTask, holdout: Table, scores: [Double], classes: [String]) {
        self.task = task
        self.scores = scores
        scoreClasses = classes
        let labelled = task.labelled(holdout) ?? ([], [], [], [])
        labelledRows = labelled.rows
        rows = labelled.rows.count
        switch task.kind {
        case .binary:
            primary = WeightedMetrics(labels: labelled.binary, probabilities: labelled.rows.map { scores[$0] })
            trueClassProbability = nil
        case .regression:
            primary = WeightedMetrics(truth: labelled.values, predictions: labelled.rows.map { scores[$0] })
            trueClassProbability = nil
        case .multiclass:
            let k = classes.count
            let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
            var correct: [Bool] = [], pTrue: [Double] = []
            for (i, r) in labelled.rows.enumerated() {
                let name = task.classes[labelled.classes[i]]
                let row = Array(scores[(r * k)..<((r + 1) * k)])
                let predicted = row.indices.max { row[$0] < row[$1] } ?? 0
                correct.append(index[name] == predicted)
                pTrue.append(index[name].map { row[$0] } ?? 0)
            }
            primary = WeightedMetrics(labels: correct, probabilities: Array(repeating: 1, count: correct.count))
            trueClassProbability = WeightedMetrics(labels: Array(repeating: true, count: pTrue.count), probabilities: pTrue)
        }
    }

    private init(task: LearningTask, primary: WeightedMetrics, trueClassProbability: WeightedMetrics?, labelledRows: [Int],
                 scores: [Double], scoreClasses: [String]) {
        self.task = task
        self.scores = scores
        self.scoreClasses = scoreClasses
        self.primary = primary
        self.trueClassProbability = trueClassProbability
        self.labelledRows = labelledRows
        self.rows = labelledRows.count
    }

    /// The labelled rows at positions `keep` (indices into `labelledRows`), e.g. one slice.
    public func subset(_ keep: [Int], holdout: Table) -> ScoredHoldout {
        ScoredHoldout(task: task, primary: primary.subset(keep), trueClassProbability: trueClassProbability?.subset(keep),
                      labelledRows: keep.map { labelledRows[$0] }, scores: scores, scoreClasses: scoreClasses)
    }

    /// The sample a metric is computed on; nil when the metric does not apply to the task.
    public func sample(_ metric: WeightedMetrics.Name) -> WeightedMetrics? {
        switch task.kind {
        case .binary: metric.isRegression ? nil : primary
        case .regression: metric.isRegression ? primary : nil
        case .multiclass: metric == .accuracy ? primary : metric == .logLoss ? trueClassProbability : nil
        }
    }
}
