import Foundation
import Tabular
import Testing
@testable import Training

/// The boosted trees against LightGBM (Reference/make_gbdt_reference.py) and for determinism.
@Suite struct GradientBoostedTreesTests {
    struct Reference: Decodable {
        struct Binary: Decodable { let features: [String]; let target: String; let lightgbm_auc: Double; let sklearn_auc: Double }
        struct Regression: Decodable { let features: [String]; let target: String; let lightgbm_rmse: Double }
        struct Fixture: Decodable, Sendable { let scenario: String; let train: String; let holdout: String; let features: [String]; let lightgbm_auc: Double; let sklearn_auc: Double }
        let binary: Binary
        let regression: Regression
        let fixtures: [Fixture]
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference")
    static let reference = try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: directory.appendingPathComponent("gbdt.json")))
    static func table(_ name: String) -> Table {
        try! TableReader.read([UInt8](Data(contentsOf: directory.appendingPathComponent("loans/\(name).csv"))), path: "\(name).csv")
    }
    static let train = table("train")
    static let holdout = table("holdout")

    static var parameters: GradientBoostedTrees.Parameters {
        var p = GradientBoostedTrees.Parameters()
        p.trees = 50
        p.leaves = 15
        p.learningRate = 0.1
        p.seed = 42
        return p
    }

    static func labels(_ table: Table) -> [Bool] { table.column("approved")!.numericValues!.map { $0 == 1 } }

    @Test func binaryAUCIsWithinHalfAPointOfLightGBM() throws {
        let r = Self.reference.binary
        let model = try GradientBoostedTrees(fitting: Self.train, features: r.features, targets: .binary(Self.labels(Self.train)),
                                             parameters: Self.parameters, jobs: 2)
        let auc = Metrics.rocAUC(labels: Self.labels(Self.holdout), scores: model.predict(Self.holdout))
        #expect(abs(auc - r.lightgbm_auc) <= 0.005, "AUC \(auc) vs LightGBM \(r.lightgbm_auc), scikit-learn \(r.sklearn_auc)")
    }

    static let fixtures = directory.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures")

    /// Each fixture scenario's data as head sees them, with the loans set's settings: the trees
    /// are LightGBM's split for split (same bins, same categorical rules, same row estimates and
    /// tie-breaks), so the AUC is held to 0.002 of LightGBM's, tighter than the 0.005 asked.
    @Test(arguments: reference.fixtures.map(\.scenario))
    func binaryAUCIsWithinHalfAPointOfLightGBMOnEachFixture(scenario: String) throws {
        let r = try #require(Self.reference.fixtures.first { $0.scenario == scenario })
        func read(_ path: String) throws -> Table {
            try TableReader.read([UInt8](Data(contentsOf: Self.fixtures.appendingPathComponent(path))), path: path)
        }
        let train = try read(r.train), holdout = try read(r.holdout)
        let model = try GradientBoostedTrees(fitting: train, features: r.features, targets: .binary(Self.labels(train)),
                                             parameters: Self.parameters, jobs: 2)
        let auc = Metrics.rocAUC(labels: Self.labels(holdout), scores: model.predict(holdout))
        let tolerance = 0.002
        #expect(abs(auc - r.lightgbm_auc) <= tolerance, "\(scenario): AUC \(auc) vs LightGBM \(r.lightgbm_auc), scikit-learn \(r.sklearn_auc) (\(train.rowCount) rows)")
    }

    @Test func regressionRMSEIsCloseToLightGBMs() throws {
        let r = Self.reference.regression
        let y = Self.train.column(r.target)!.numericValues!
        let model = try GradientBoostedTrees(fitting: Self.train, features: r.features, targets: .regression(y),
                                             parameters: Self.parameters, jobs: 2)
        let rmse = Metrics.rmse(Self.holdout.column(r.target)!.numericValues!, model.predict(Self.holdout))
        #expect(abs(rmse - r.lightgbm_rmse) / r.lightgbm_rmse <= 0.02, "RMSE \(rmse) vs LightGBM \(r.lightgbm_rmse)")
    }

    @Test func multiclassLearnsMoreThanThePrior() throws {
        // Region is independent of the other columns in the generator; income bands are not.
        let income = Self.train.column("income")!.numericValues!
        let classes = income.map { $0 < 30_000 ? 0 : $0 < 50_000 ? 1 : 2 }
        let model = try GradientBoostedTrees(fitting: Self.train, features: ["age", "credit_score", "approved"],
                                             targets: .multiclass(classes, classes: 3), parameters: Self.parameters, jobs: 2)
        let probabilities = model.predict(Self.train)
        #expect(probabilities.count == 3 * Self.train.rowCount)
        for r in 0..<10 { #expect(abs(probabilities[r * 3] + probabilities[r * 3 + 1] + probabilities[r * 3 + 2] - 1) < 1e-12) }
        let withIncome = try GradientBoostedTrees(fitting: Self.train, features: ["income"], targets: .multiclass(classes, classes: 3),
                                                  parameters: Self.parameters, jobs: 2)
        let p = withIncome.predict(Self.train)
        var correct = 0
        for r in 0..<classes.count {
            let scores = [p[r * 3], p[r * 3 + 1], p[r * 3 + 2]]
            let predicted = scores.firstIndex(of: scores.max()!)!
            if predicted == classes[r] { correct += 1 }
        }
        #expect(Double(correct) / Double(classes.count) > 0.99)
    }

    @Test func theSameSeedGivesTheSameModelForAnyThreadCount() throws {
        var parameters = Self.parameters
        parameters.subsample = 0.8
        parameters.colsample = 0.75
        let features = ["age", "income", "credit_score", "region", "postcode"]
        let targets = GradientBoostedTrees.Targets.binary(Self.labels(Self.train))
        let one = try GradientBoostedTrees(fitting: Self.train, features: features, targets: targets, parameters: parameters, jobs: 1)
        let two = try GradientBoostedTrees(fitting: Self.train, features: features, targets: targets, parameters: parameters, jobs: 2)
        let four = try GradientBoostedTrees(fitting: Self.train, features: features, targets: targets, parameters: parameters, jobs: 4)
        #expect(one == two && two == four)
        #expect(one.predict(Self.holdout, jobs: 1).map(\.bitPattern) == four.predict(Self.holdout, jobs: 4).map(\.bitPattern))
        parameters.seed = 43
        let other = try GradientBoostedTrees(fitting: Self.train, features: features, targets: targets, parameters: parameters, jobs: 2)
        #expect(other != one)
    }

    @Test func theFastHistogramEqualsTheNaiveKernel() {
        var rng = SeededRandom(seed: 3)
        // More rows than a tile, and three features: a pair and one alone.
        let n = 3 * Histogram.tileRows + 123
        let column = (0..<n).map { _ in UInt8(rng.next() % 40) }
        let second = column.map { ($0 &* 7) % 23 }
        let third = (0..<n).map { _ in UInt8(rng.next() % 3) }
        let g = (0..<n).map { _ in Double(rng.next() % 1000) / 999 - 0.5 }
        let h = (0..<n).map { _ in Double(rng.next() % 1000) / 999 }
        let some = (0..<n).filter { _ in rng.next() % 3 != 0 }.map(Int32.init)
        for rows in [some, (0..<n).map(Int32.init)] {
            let pairs = rows.flatMap { [Float(g[Int($0)]), Float(h[Int($0)])] }
            let fast = column.withUnsafeBufferPointer { a in second.withUnsafeBufferPointer { b in third.withUnsafeBufferPointer { c in
                rows.withUnsafeBufferPointer { r in pairs.withUnsafeBufferPointer { p in
                    Histogram.group(bins: [41, 24, 4], columns: [a, b, c], rows: r, orderedPairs: p) } } } } }
            for (histogram, (values, bins)) in zip(fast, [(column, 41), (second, 24), (third, 4)]) {
                let naive = Histogram.naive(bins: bins, column: values, rows: rows, gradients: g, hessians: h)
                #expect(histogram.gradient == naive.gradient && histogram.hessian == naive.hessian)
            }
        }
    }

    /// Scoring by leaf masks (trees of up to 32 leaves, or 64) or by the compiled walk (more):
    /// every row lands in the leaf the trees' own nodes send it to, so the raw scores are the
    /// node walk's to the bit — with numeric and categorical splits, missing values on either
    /// side, and several outputs.
    @Test(arguments: [false, true], [15, 48, 90])
    func everyScoringLayoutScoresAsTheNodesDo(multiclass: Bool, leaves: Int) throws {
        var rng = SeededRandom(seed: 11)
        var lines = ["x,z,c,y"]
        for i in 0..<3_000 {
            let x = rng.next() % 10 == 0 ? "" : String(Double(rng.next() % 10_000) / 100)
            let z = rng.next() % 7 == 0 ? "NA" : String(Double(rng.next() % 500))
            let c = rng.next() % 9 == 0 ? "" : "level\(rng.next() % 40)"
            lines.append("\(x),\(z),\(c),\(i % 3)")
        }
        let table = try TableReader.read(Array((lines.joined(separator: "\n") + "\n").utf8), path: "t.csv", declared: ["c": .categorical])
        let y = table.column("y")!.numericValues!.map { Int($0) }
        var parameters = Self.parameters
        parameters.trees = 30
        parameters.minSamplesLeaf = 5
        parameters.leaves = leaves
        let targets: GradientBoostedTrees.Targets = multiclass ? .multiclass(y, classes: 3) : .binary(y.map { $0 == 1 })
        let model = try GradientBoostedTrees(fitting: table, features: ["x", "z", "c"], targets: targets, parameters: parameters, jobs: 2)
        let grown = model.trees.flatMap { $0 }.map(\.leafValues.count).max() ?? 0
        switch ForestScorer(trees: model.trees, missingBins: model.mappers.map(\.missingBin)) {
        case .masks32: #expect(leaves <= 32 && grown <= 32)
        case .masks64: #expect(grown > 32 && grown <= 64)
        case .walk: #expect(grown > 64)
        }
        let raw = model.predictRaw(table, jobs: 2)
        let k = model.initialScores.count
        let bins = model.features.indices.map { model.mappers[$0].bins(table.column(model.features[$0]), rows: table.rowCount) }
        let missing = model.mappers.map(\.missingBin)
        var walked = [Double](repeating: 0, count: table.rowCount * k)
        for r in 0..<table.rowCount { for c in 0..<k { walked[r * k + c] = model.initialScores[c] } }
        for iteration in model.trees {
            for (c, tree) in iteration.enumerated() {
                for r in 0..<table.rowCount { walked[r * k + c] += tree.leafValues[tree.leaf({ Int(bins[$0][r]) }, missingBins: missing)] }
            }
        }
        let differing = zip(raw, walked).filter { $0.bitPattern != $1.bitPattern }.count
        #expect(raw.count == walked.count && differing == 0, "\(differing) of \(raw.count) raw scores differ from the node walk's")
        #expect(model.trees.flatMap { $0 }.contains { $0.nodes.contains { $0.leftBins != nil } }, "no categorical split was tested")
    }

    @Test func missingValuesAndUnseenCategoriesAreScored() throws {
        let text = "x,c,y\n1,a,0\n2,b,1\n,a,1\n4,,0\n"
        let table = try TableReader.read(Array(String(repeating: text, count: 1).utf8), path: "t.csv")
        var parameters = Self.parameters
        parameters.minSamplesLeaf = 1
        let model = try GradientBoostedTrees(fitting: table, features: ["x", "c"], targets: .binary([false, true, true, false]),
                                             parameters: parameters)
        let unseen = try TableReader.read(Array("x,c\n,zz\n3,b\n".utf8), path: "u.csv")
        #expect(model.predict(unseen).allSatisfy { $0 > 0 && $0 < 1 })
    }
}
