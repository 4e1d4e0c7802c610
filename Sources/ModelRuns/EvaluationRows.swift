import GateKit
import Training

/// The rows of head's holdout on which the two models are compared: rows neither model
/// trained on, which the baseline model can read as it learned to.
///
/// Left out, and counted for the report:
/// - rows whose content (over the split's key columns) the baseline model or the candidate
///   trained on: a PR that moves rows from train into a holdout file, or back, would otherwise
///   score one model on rows it memorised;
/// - rows with a category of one of the baseline model's features that the candidate learned
///   and the baseline model did not: at least `learnedRows` rows of it in head's training data,
///   fewer in the baseline's (rarer categories teach neither model anything: a tree needs that
///   many rows to split on one, so a postcode seen once is no asymmetry).
struct EvaluationRows {
    let kept: [Int]
    let leftOut: [Reason]
    let holdoutRows: Int

    struct Reason {
        let key: String
        let count: Int
        let text: String
    }

    /// - Parameters:
    ///   - baselineTrainKeys, headTrainKeys: the content keys of the rows each model trained on.
    init(holdout: Table, split: ContentSplit, baselineTrainKeys: [UInt64]?, headTrain: Table, headTrainKeys: [UInt64],
         checkOverlap: Bool, unseen: [(headName: String, baselineLevels: Set<String>)]) {
        holdoutRows = holdout.rowCount
        var keep = [Bool](repeating: true, count: holdout.rowCount)
        var reasons: [Reason] = []
        if checkOverlap {
            let keys = split.rowKeys(holdout, role: .head)
            for (name, trainedKeys, role) in [("trained_by_baseline", baselineTrainKeys, ContentSplit.Role.baseline),
                                              ("trained_by_candidate", headTrainKeys, .head)] {
                guard let trainedKeys else { continue }
                let found = FingerprintMembership.found(keys, in: trainedKeys)
                var count = 0
                for row in found.indices where found[row] {
                    if keep[row] { count += 1 }
                    keep[row] = false
                }
                if count > 0 {
                    reasons.append(Reason(key: name, count: count, text: "\(count) also in the data the \(role == .baseline ? "baseline model" : "candidate") trained on"))
                }
            }
        }
        var unseenRows = 0
        var examples: [String] = []
        for (name, known) in unseen {
            guard let column = holdout.column(name), let (codes, levels) = column.categorical else { continue }
            let trainedLevels = Self.levels(of: headTrain.column(name), minimum: Self.learnedRows)
            let strange = levels.map { !known.contains($0) && trainedLevels.contains($0) }
            var seen = Set<Int32>()
            for (row, code) in codes.enumerated() where code >= 0 && strange[Int(code)] {
                if keep[row] { unseenRows += 1 }
                keep[row] = false
                if seen.insert(code).inserted, examples.count < 5 { examples.append("\(name)=\(levels[Int(code)])") }
            }
        }
        if unseenRows > 0 {
            reasons.append(Reason(key: "categories_unseen_by_baseline", count: unseenRows,
                                  text: "\(unseenRows) with categories the candidate learned and the baseline model did not see (\(examples.joined(separator: ", ")))"))
        }
        kept = keep.indices.filter { keep[$0] }
        leftOut = reasons
    }

    var leftOutCount: Int { holdoutRows - kept.count }

    /// For reports: how many rows were left out and why.
    var note: JSONValue {
        .object([("holdout_rows", .number(Double(holdoutRows))), ("compared_rows", .number(Double(kept.count)))]
            + leftOut.map { ($0.key, .number(Double($0.count))) }
            + [("why", .string(summary))])
    }

    var summary: String {
        "\(leftOutCount) of head's \(holdoutRows) holdout rows left out of the comparison: " + leftOut.map(\.text).joined(separator: "; ")
    }

    /// Rows of a category a model needs to have learned from it.
    static let learnedRows = 10

    /// The categories of a column with at least `minimum` rows.
    static func levels(of column: Column?, minimum: Int = learnedRows) -> Set<String> {
        guard let (codes, levels) = column?.categorical else { return [] }
        var counts = [Int](repeating: 0, count: levels.count)
        for code in codes where code >= 0 { counts[Int(code)] += 1 }
        return Set(levels.indices.filter { counts[$0] >= minimum }.map { levels[$0] })
    }
}
