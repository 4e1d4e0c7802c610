import Foundation
import GateKit
import Testing
@testable import ModelEvaluation
@testable import ModelRuns
@testable import Training

@Suite struct MetricJudgementTests {
    func judge(candidate: Double, baseline: Double?, low: Double, high: Double, minimum: Double? = nil, maxDrop: Double? = 0.01,
               metric: WeightedMetrics.Name = .auc) -> CheckResult {
        let interval = baseline.map { PairedBootstrap.Interval(difference: candidate - $0, low: low, high: high, resamples: 1000) }
        return MetricJudgement(id: "model-evaluation/\(metric.rawValue)", title: "t", metric: metric, candidate: candidate, baseline: baseline,
                               interval: interval, minimum: minimum, maxDrop: maxDrop, rows: 400).result()
    }

    @Test func aDropBeyondMaxDropWithAnIntervalBelowZeroFails() {
        #expect(judge(candidate: 0.70, baseline: 0.75, low: -0.08, high: -0.02).status == .fail)
    }

    @Test func aDropWhoseIntervalIncludesZeroWarnsAndSaysHowManyRowsWouldSettleIt() {
        let result = judge(candidate: 0.73, baseline: 0.75, low: -0.06, high: 0.02)
        #expect(result.status == .warn && result.message.contains("inconclusive on this holdout of 400 rows"))
        // Half-width 0.04 against a change of 0.02: four times the variance, four times the rows.
        #expect(result.details["rows_to_settle"]?.numberValue == 1600)
    }

    @Test func smallDropsAndImprovementsPass() {
        #expect(judge(candidate: 0.745, baseline: 0.75, low: -0.03, high: 0.02).status == .pass)
        #expect(judge(candidate: 0.80, baseline: 0.75, low: 0.01, high: 0.09).status == .pass)
    }

    @Test func lowerIsBetterMetricsWorsenUpwards() {
        #expect(judge(candidate: 0.70, baseline: 0.60, low: 0.05, high: 0.15, maxDrop: 0.02, metric: .logLoss).status == .fail)
        #expect(judge(candidate: 0.55, baseline: 0.60, low: -0.1, high: -0.01, maxDrop: 0.02, metric: .logLoss).status == .pass)
    }

    @Test func theMinimumIsJudgedOnThePointEstimateAndDebtAtTheBaselineWarns() {
        #expect(judge(candidate: 0.6, baseline: nil, low: 0, high: 0, minimum: 0.65).status == .fail)
        let preexisting = judge(candidate: 0.6, baseline: 0.58, low: -0.01, high: 0.05, minimum: 0.65)
        #expect(preexisting.status == .warn && preexisting.preexisting)
    }

    @Test func anUncomputableMetricIsAnError() {
        #expect(judge(candidate: .nan, baseline: 0.7, low: 0, high: 0).status == .error)
    }
}

@Suite struct BootstrapTests {
    static func sample(_ seed: UInt64, shift: Double) -> WeightedMetrics {
        var rng = SeededRandom(seed: seed)
        let labels = (0..<500).map { _ in rng.next() % 2 == 0 }
        let scores = labels.map { ($0 ? 0.6 + shift : 0.4) + Double(rng.next() % 1000) / 2500 - 0.2 }
        return WeightedMetrics(labels: labels, probabilities: scores.map { min(1, max(0, $0)) })
    }

    @Test func weightedMetricsWithUnitWeightsEqualTheUnweightedOnes() {
        let s = Self.sample(1, shift: 0)
        let labels = s.labels!, scores = s.scores
        #expect(abs(s.value(.auc) - Metrics.rocAUC(labels: labels, scores: scores)) < 1e-12)
        #expect(abs(s.value(.prAUC) - Metrics.averagePrecision(labels: labels, scores: scores)) < 1e-12)
        #expect(abs(s.value(.logLoss) - Metrics.logLoss(labels: labels, probabilities: scores)) < 1e-12)
        #expect(abs(s.value(.f1) - Metrics.f1(labels: labels, predictions: scores.map { $0 >= 0.5 })) < 1e-12)
        #expect(abs(s.value(.ece) - Metrics.expectedCalibrationError(labels: labels, probabilities: scores)) < 1e-12)
        // Integer weights are repeated rows.
        var weights = [Int32](repeating: 1, count: s.count)
        weights[0] = 3
        let repeated = WeightedMetrics(labels: [labels[0], labels[0]] + labels, probabilities: [scores[0], scores[0]] + scores)
        #expect(abs(s.value(.auc, weights: weights) - repeated.value(.auc)) < 1e-12)
    }

    /// Weights are repeated rows, for every metric, on scores with many ties (a tree model's
    /// scores are few distinct values); byte weights, which the bootstrap draws, give the same
    /// values to the bit as 32-bit ones.
    @Test func integerWeightsAreRepeatedRowsAndByteWeightsChangeNothing() {
        var rng = SeededRandom(seed: 3)
        let labels = (0..<5_000).map { _ in rng.next() % 3 == 0 }
        let scores = labels.map { (($0 ? 0.6 : 0.4) + Double(rng.next() % 1000) / 2500 - 0.2).rounded(toPlaces: 1) }
        let sample = WeightedMetrics(labels: labels, probabilities: scores)
        let weights = (0..<labels.count).map { _ in Int32(rng.next() % 4) }
        var repeatedLabels: [Bool] = [], repeatedScores: [Double] = []
        for (i, w) in weights.enumerated() where w > 0 {
            for _ in 0..<w { repeatedLabels.append(labels[i]); repeatedScores.append(scores[i]) }
        }
        let repeated = WeightedMetrics(labels: repeatedLabels, probabilities: repeatedScores)
        let names = WeightedMetrics.Name.allCases.filter { !$0.isRegression }
        let wide = sample.values(names, weights: weights)
        let bytes = weights.map(UInt8.init).withUnsafeBufferPointer { sample.values(names, weights: $0) }
        #expect(wide.map(\.bitPattern) == bytes.map(\.bitPattern))
        // Every row at the largest byte weight: the byte counts' 16-bit lanes at their fullest.
        let heaviest = sample.values(names, weights: [Int32](repeating: 255, count: labels.count))
        let heaviestBytes = [UInt8](repeating: 255, count: labels.count).withUnsafeBufferPointer { sample.values(names, weights: $0) }
        #expect(heaviest.map(\.bitPattern) == heaviestBytes.map(\.bitPattern))
        #expect(abs(heaviest[names.firstIndex(of: .accuracy)!] - sample.value(.accuracy)) < 1e-12)
        for (name, value) in zip(names, wide) {
            #expect(abs(value - repeated.value(name)) < 1e-12, "\(name): \(value) vs \(repeated.value(name))")
        }
        #expect(abs(wide[0] - Metrics.rocAUC(labels: repeatedLabels, scores: repeatedScores)) < 1e-12)
    }

    @Test func theIntervalIsTheSameForAnyThreadCountAndSeeded() {
        let a = Self.sample(1, shift: 0), b = Self.sample(1, shift: 0.1)
        let one = PairedBootstrap.interval(.auc, candidate: a, baseline: b, paired: true, resamples: 300, seed: 9, jobs: 1)
        let four = PairedBootstrap.interval(.auc, candidate: a, baseline: b, paired: true, resamples: 300, seed: 9, jobs: 4)
        #expect(one == four)
        #expect(one.high < 0 && one.low < one.difference && one.difference < one.high)
        #expect(PairedBootstrap.interval(.auc, candidate: a, baseline: b, paired: true, resamples: 300, seed: 10, jobs: 2) != one)
    }
}

private extension Double {
    func rounded(toPlaces places: Int) -> Double {
        let scale = Foundation.pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}

@Suite struct PredictionsModeTests {
    /// A repository's own predictions, scored against head's holdout.
    @Test func evaluatesTheRepositorysPredictions() throws {
        let holdoutText = "x,y\n" + (0..<200).map { "\($0),\($0 % 2)" }.joined(separator: "\n") + "\n"
        let holdout = try TableReader.read(Array(holdoutText.utf8), path: "h.csv")
        let good = try TableReader.read(Array(("prediction,score\n" + (0..<200).map { "\($0 % 2),\($0 % 2 == 1 ? 0.9 : 0.1)" }.joined(separator: "\n") + "\n").utf8), path: "p.csv")
        let poor = try TableReader.read(Array(("prediction\n" + (0..<200).map { "\(($0 / 2) % 2)" }.joined(separator: "\n") + "\n").utf8), path: "p.csv")
        var config = Configuration(target: "y", data: DataPaths(train: "h.csv", holdout: "h.csv", predictions: "p.csv"))
        config.task = .binary
        let head = Side(role: .head, revision: "HEAD", commit: "b", configuration: config,
                        tables: ["train": holdout, "holdout": holdout, "predictions": poor], files: [:])
        let base = Side(role: .baseline, revision: "main", commit: "a", configuration: config,
                        tables: ["train": holdout, "holdout": holdout, "predictions": good], files: [:])
        var policy = Policy()
        var evaluation = ModelEvaluationPolicy()
        evaluation.bootstrap = 200
        policy.setSection(evaluation, for: "model-evaluation")
        let checks = ModelEvaluationPlugin().run(PluginContext(baseline: base, head: head, policy: policy, seed: 1, jobs: 2))
        let auc = try #require(checks.first { $0.id == "model-evaluation/auc" })
        #expect(auc.baseline == 1 && auc.value == 0.5 && auc.status == Status.fail)
        #expect(auc.details["paired"]?.boolValue == true)
        let shortPredictions = Side(role: .head, revision: "HEAD", commit: "b", configuration: config,
                                    tables: ["train": holdout, "holdout": holdout, "predictions": holdout.rows(Array(0..<10))], files: [:])
        let broken = ModelEvaluationPlugin().run(PluginContext(baseline: base, head: shortPredictions, policy: policy, seed: 1, jobs: 2))
        #expect(broken.first?.status == Status.error && broken.first?.message.contains("one prediction per holdout row") == true)
    }
}

@Suite struct SampleRowsTests {
    @Test func aSampleKeepsEachClassShareAndIsSeeded() throws {
        let text = "x,y\n" + (0..<1000).map { "\($0),\($0 % 4 == 0 ? 1 : 0)" }.joined(separator: "\n") + "\n"
        let table = try TableReader.read(Array(text.utf8), path: "t.csv")
        var config = Configuration(target: "y", data: DataPaths(train: "t.csv"))
        config.positive = "1"
        let task = try LearningTask(configuration: config, train: table)
        let labelled = try #require(task.labelled(table))
        let keys = RowHashing.hashes(table, columns: ["x", "y"])
        let sample = TrainedModel.sample(labelled, to: 200, keys: keys, seed: 7, task: task)
        #expect(sample.rows.count == 200 && sample.binary.filter { $0 }.count == 50)
        #expect(sample.rows == sample.rows.sorted())
        #expect(TrainedModel.sample(labelled, to: 200, keys: keys, seed: 7, task: task).rows == sample.rows)
        #expect(TrainedModel.sample(labelled, to: 200, keys: keys, seed: 8, task: task).rows != sample.rows)
    }

    /// Membership follows the row's content: the same file with its rows reversed samples the
    /// same rows (by content), where a positional shuffle would pick others.
    @Test func aSampleDoesNotMoveWhenRowsAreReordered() throws {
        let lines = (0..<1000).map { "\($0),\($0 % 4 == 0 ? 1 : 0)" }
        func sampled(_ lines: [String]) throws -> Set<String> {
            let table = try TableReader.read(Array(("x,y\n" + lines.joined(separator: "\n") + "\n").utf8), path: "t.csv")
            var config = Configuration(target: "y", data: DataPaths(train: "t.csv"))
            config.positive = "1"
            let task = try LearningTask(configuration: config, train: table)
            let labelled = try #require(task.labelled(table))
            let sample = TrainedModel.sample(labelled, to: 200, keys: RowHashing.hashes(table, columns: ["x", "y"]), seed: 7, task: task)
            return Set(sample.rows.map { lines[$0] })
        }
        #expect(try sampled(lines) == sampled(lines.reversed()))
    }
}

/// The baseline's digest reads back as written, and a cut or foreign entry reads as nothing.
@Suite struct BaselineDigestTests {
    @Test func roundTripsAndEveryTruncationIsAMiss() throws {
        let text = "id,region,income,label\n" + (0..<300).map { "\($0),\(["north", "south", "east"][$0 % 3]),\($0 * 7 % 101),\($0 % 2)" }
            .joined(separator: "\n") + "\n"
        let table = try TableReader.read(Array(text.utf8), path: "t.csv")
        var config = Configuration(target: "label", data: DataPaths(train: "t.csv", holdout: "h.csv"))
        config.features.ignore = ["id"]
        let task = try LearningTask(configuration: config, train: table)
        let keys = RowHashing.hashes(table, columns: ["label", "region", "income"])
        let digest = BaselineDigest(table: table, task: task, keyColumns: ["label", "region", "income"], rowKeys: keys)
        let bytes = digest.encoded()
        let back = try #require(BaselineDigest(decoding: bytes))
        #expect(back.columns.map(\.name) == ["id", "region", "income", "label"] && back.kind(of: "region") == .categorical)
        #expect(back.task.features == task.features && back.task.positive == "1" && back.rows == 300 && back.rowKeys == keys)
        #expect(back.levels.map(\.column) == ["region"] && back.levels[0].levels == ["east", "north", "south"])
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 200)) {
            #expect(BaselineDigest(decoding: Array(bytes.prefix(cut))) == nil, "cut at \(cut)")
        }
        var foreign = bytes
        foreign[10] ^= 0x20   // inside the version string
        #expect(BaselineDigest(decoding: foreign) == nil)
        // The key moves with what shapes the file's reading and task.
        var other = config
        other.features.categorical = ["income"]
        #expect(BaselineDigest.key(trainHash: "a", configuration: config) != BaselineDigest.key(trainHash: "a", configuration: other))
        #expect(BaselineDigest.key(trainHash: "a", configuration: config) != BaselineDigest.key(trainHash: "b", configuration: config))
    }
}
