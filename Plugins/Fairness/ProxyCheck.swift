import GateKit
import ModelRuns
import Training

/// `fairness/proxy/ATTRIBUTE`: features that give a protected attribute away. Keeping the
/// attribute out of training protects nobody when another column encodes it. Warns on a
/// numeric feature whose values alone separate the attribute's groups with AUC ≥ 0.8, or a
/// categorical one whose Cramér's V with the attribute is ≥ 0.5 (features with under 5 rows a
/// level are not judged: their V measures sparsity, not association).
struct ProxyCheck {
    static let aucThreshold = 0.8
    static let cramersVThreshold = 0.5

    let attribute: String
    let features: [String]
    let train: Table

    func result() -> CheckResult {
        let id = "fairness/proxy/\(attribute)"
        let title = "Proxies for \(attribute)"
        guard let protected = train.column(attribute) else {
            return CheckResult(id: id, status: .skip, title: title, message: "the training data has no column '\(attribute)'")
        }
        let groups = (0..<train.rowCount).map { protected.text(at: $0) }
        let levels = Array(Set(groups.filter { !$0.isEmpty })).sorted()
        guard levels.count >= 2 else {
            return CheckResult(id: id, status: .skip, title: title, message: "'\(attribute)' has fewer than two groups in the training data")
        }
        var found: [(feature: String, measure: String, value: Double)] = []
        var all: [JSONValue] = []
        for feature in features where feature != attribute {
            guard let column = train.column(feature) else { continue }
            let (measure, value): (String, Double)
            if column.kind == .numeric, let values = column.numericValues {
                // One group against the rest, the most separable group counting.
                value = levels.map { level -> Double in
                    var labels: [Bool] = [], scores: [Double] = []
                    for r in 0..<train.rowCount where !values[r].isNaN && !groups[r].isEmpty {
                        labels.append(groups[r] == level)
                        scores.append(values[r])
                    }
                    let auc = Metrics.rocAUC(labels: labels, scores: scores)
                    return auc.isNaN ? 0 : max(auc, 1 - auc)
                }.max() ?? 0
                measure = "auc"
            } else {
                let values = (0..<train.rowCount).map { column.text(at: $0) }
                // With fewer than 5 rows a level, every level sits in one group by chance and
                // V approaches 1 on noise (an id-like column): too sparse to judge.
                let levels = Set(values.filter { !$0.isEmpty }).count
                guard values.count >= 5 * levels else {
                    all.append(.object([("feature", .string(feature)), ("measure", .string("cramers_v")), ("value", .null),
                                        ("note", .string("\(levels) levels are too many for \(values.count) rows to judge"))]))
                    continue
                }
                value = Self.cramersV(values, groups)
                measure = "cramers_v"
            }
            all.append(.object([("feature", .string(feature)), ("measure", .string(measure)), ("value", .number(value))]))
            let limit = measure == "auc" ? Self.aucThreshold : Self.cramersVThreshold
            if value >= limit { found.append((feature, measure, value)) }
        }
        let details: JSONValue = .object([("features", .array(all)), ("auc_threshold", .number(Self.aucThreshold)),
                                          ("cramers_v_threshold", .number(Self.cramersVThreshold))])
        guard !found.isEmpty else {
            return CheckResult(id: id, status: .pass, title: title, message: "no feature encodes \(attribute) (AUC < 0.8, Cramér's V < 0.5)", details: details)
        }
        let named = found.sorted { $0.value > $1.value }.map { "'\($0.feature)' (\($0.measure == "auc" ? "AUC" : "Cramér's V") \(FairnessEvaluation.format($0.value)))" }
        return CheckResult(id: id, status: .warn, title: title,
                           message: "\(named.joined(separator: ", ")) \(found.count == 1 ? "is a proxy" : "are proxies") for \(attribute): the model can learn \(attribute) through \(found.count == 1 ? "it" : "them"); drop \(found.count == 1 ? "it" : "them") from the features or add it to features.ignore",
                           metric: found[0].measure, value: found.map(\.value).max(), details: details)
    }

    /// Cramér's V between two categorical variables (rows where both are present).
    static func cramersV(_ a: [String], _ b: [String]) -> Double {
        var rowsIndex: [String: Int] = [:], colsIndex: [String: Int] = [:]
        var cells: [Int: Int] = [:]
        var n = 0
        for (x, y) in zip(a, b) where !x.isEmpty && !y.isEmpty {
            let i = rowsIndex[x] ?? { rowsIndex[x] = rowsIndex.count; return rowsIndex.count - 1 }()
            let j = colsIndex[y] ?? { colsIndex[y] = colsIndex.count; return colsIndex.count - 1 }()
            cells[i * 1_000_003 + j, default: 0] += 1
            n += 1
        }
        let r = rowsIndex.count, c = colsIndex.count
        guard n > 0, r > 1, c > 1 else { return 0 }
        var rowTotals = [Double](repeating: 0, count: r), colTotals = [Double](repeating: 0, count: c)
        for (key, count) in cells {
            rowTotals[key / 1_000_003] += Double(count)
            colTotals[key % 1_000_003] += Double(count)
        }
        var chi2 = 0.0
        for i in 0..<r {
            for j in 0..<c {
                let expected = rowTotals[i] * colTotals[j] / Double(n)
                let observed = Double(cells[i * 1_000_003 + j] ?? 0)
                chi2 += (observed - expected) * (observed - expected) / expected
            }
        }
        return (chi2 / Double(n) / Double(min(r, c) - 1)).squareRoot()
    }
}
