import Foundation
import Tabular
import Testing
@testable import Training

/// TreeSHAP against LightGBM's `pred_contrib` on LightGBM's own trees
/// (Reference/make_treeshap_reference.py), and the contributions of mlgate's models.
@Suite struct TreeSHAPTests {
    struct Reference: Decodable {
        struct Node: Decodable {
            let feature: Int
            let decision: String
            let threshold: Threshold
            let default_left: Bool
            let missing_type: String
            let left: Int
            let right: Int
            let count: Int
        }
        enum Threshold: Decodable {
            case number(Double)
            case categories([Int])
            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let value = try? container.decode(Double.self) { self = .number(value) } else { self = .categories(try container.decode([Int].self)) }
            }
        }
        struct LightGBMTree: Decodable { let nodes: [Node]; let leaves: [Double]; let leaf_counts: [Int] }
        struct Case: Decodable {
            let objective: String
            let features: [String]
            let trees: [LightGBMTree]
            let rows: [[Double?]]
            let contributions: [[Double]]
            let raw_scores: [Double]
        }
        let cases: [Case]
    }

    static let reference = try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: GradientBoostedTreesTests.directory.appendingPathComponent("treeshap.json")))

    /// LightGBM's decision at a node, on a row's raw value (its `NumericalDecision` and
    /// `CategoricalDecision`).
    static func goesLeft(_ node: Reference.Node, _ value: Double?) -> Bool {
        switch node.threshold {
        case .categories(let set):
            guard let value, value >= 0 else { return false }
            return set.contains(Int(value))
        case .number(let threshold):
            var x = value ?? .nan
            if x.isNaN && node.missing_type != "NaN" { x = 0 }
            if (node.missing_type == "Zero" && x == 0) || (node.missing_type == "NaN" && x.isNaN) { return node.default_left }
            return x <= threshold
        }
    }

    @Test(arguments: 0..<2) func contributionsEqualLightGBMsOnItsTrees(index: Int) throws {
        let reference = Self.reference.cases[index]
        // LightGBM's trees as mlgate's: node i keeps LightGBM's node i, so `goesLeft` can look it up.
        let trees = reference.trees.map { tree in
            Tree(nodes: tree.nodes.enumerated().map { i, node in
                Tree.Node(feature: node.feature, threshold: i, missingLeft: node.default_left, left: node.left, right: node.right, count: node.count)
            }, leafValues: tree.leaves, leafCounts: tree.leaf_counts)
        }
        let width = reference.features.count + 1
        let maxDepth = trees.map(TreeSHAP.depth).max() ?? 0
        var scratch = TreeSHAP.Scratch(maxDepth: maxDepth)
        var worst = 0.0
        for (r, row) in reference.rows.enumerated() {
            var phi = [Double](repeating: 0, count: width)
            phi.withUnsafeMutableBufferPointer { phi in
                for (t, tree) in trees.enumerated() {
                    // `threshold` carries the node's index into LightGBM's node list.
                    TreeSHAP.accumulate(tree, into: phi, scratch: &scratch) { node in
                        Self.goesLeft(reference.trees[t].nodes[node.threshold], row[node.feature])
                    }
                    phi[width - 1] += TreeSHAP.expectedValue(tree)
                }
            }
            for j in 0..<width { worst = max(worst, abs(phi[j] - reference.contributions[r][j])) }
            #expect(abs(phi.reduce(0, +) - reference.raw_scores[r]) < 1e-6, "row \(r): contributions do not sum to the raw score")
        }
        #expect(worst < 1e-6, "\(reference.objective): largest difference from LightGBM's pred_contrib \(worst)")
        #expect(reference.rows.count == 300)
    }

    static var parameters: GradientBoostedTrees.Parameters {
        var p = GradientBoostedTrees.Parameters()
        p.trees = 30
        p.leaves = 15
        p.seed = 7
        p.subsample = 0.8
        return p
    }

    @Test func boostedTreeContributionsSumToTheRawScoreForAnyJobs() throws {
        let train = GradientBoostedTreesTests.train, holdout = GradientBoostedTreesTests.holdout
        let features = ["age", "income", "credit_score", "region", "sex"]
        let model = try GradientBoostedTrees(fitting: train, features: features, targets: .binary(GradientBoostedTreesTests.labels(train)),
                                             parameters: Self.parameters, jobs: 2)
        let one = model.contributions(holdout, jobs: 1), two = model.contributions(holdout, jobs: 2)
        #expect(one == two)
        let raw = model.predictRaw(holdout)
        for r in stride(from: 0, to: holdout.rowCount, by: 7) {
            let sum = (0...features.count).reduce(0.0) { $0 + one[r, 0, $1] }
            #expect(abs(sum - raw[r]) < 1e-9, "row \(r)")
        }
        // The model leans on credit score and income, not on sex.
        let importance = Dictionary(uniqueKeysWithValues: zip(one.features, one.meanAbsolute))
        #expect(importance["credit_score"]! > importance["sex"]!)
    }

    @Test func multiclassContributionsSumPerClass() throws {
        let train = GradientBoostedTreesTests.train, holdout = GradientBoostedTreesTests.holdout
        let regions = ["east", "north", "south", "west"]
        let labels = (0..<train.rowCount).map { regions.firstIndex(of: train.column("region")!.text(at: $0))! }
        let model = try GradientBoostedTrees(fitting: train, features: ["age", "income", "postcode"], targets: .multiclass(labels, classes: 4),
                                             parameters: Self.parameters, jobs: 2)
        let contributions = model.contributions(holdout, jobs: 2)
        let raw = model.predictRaw(holdout)
        #expect(contributions.outputs == 4)
        for r in stride(from: 0, to: holdout.rowCount, by: 11) {
            for c in 0..<4 {
                let sum = (0...3).reduce(0.0) { $0 + contributions[r, c, $1] }
                #expect(abs(sum - raw[r * 4 + c]) < 1e-9)
            }
        }
    }

    @Test func linearContributionsSumToTheMargin() throws {
        let train = GradientBoostedTreesTests.train, holdout = GradientBoostedTreesTests.holdout
        let features = ["age", "income", "region"]
        let logistic = try LogisticRegression(fitting: train, features: features, labels: GradientBoostedTreesTests.labels(train), c: 1)
        let contributions = logistic.contributions(holdout)
        let probabilities = logistic.predictProbabilities(holdout)
        for r in stride(from: 0, to: holdout.rowCount, by: 13) {
            let margin = (0...features.count).reduce(0.0) { $0 + contributions[r, 0, $1] }
            #expect(abs(1 / (1 + exp(-margin)) - probabilities[r]) < 1e-12)
        }
        // Over the explained rows each feature's contributions average zero.
        for j in 0..<features.count {
            let mean = (0..<holdout.rowCount).reduce(0.0) { $0 + contributions[$1, 0, j] } / Double(holdout.rowCount)
            #expect(abs(mean) < 1e-9)
        }
    }
}
