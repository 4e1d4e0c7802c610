import Foundation
import Testing
import Training
import Tabular

/// Every metric against scikit-learn on the same predictions (Reference/make_metric_reference.py).
@Suite struct MetricsTests {
    struct Reference: Decodable { let metrics: [String: Double] }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference")
    static let reference = try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: directory.appendingPathComponent("metrics.json"))).metrics
    static let table = try! TableReader.read([UInt8](Data(contentsOf: directory.appendingPathComponent("predictions.csv"))), path: "predictions.csv")

    let labels = Self.table.column("label")!.numericValues!.map { $0 == 1 }
    let scores = Self.table.column("score")!.numericValues!
    let truth = Self.table.column("truth")!.numericValues!
    let predicted = Self.table.column("predicted")!.numericValues!
    var hard: [Bool] { scores.map { $0 >= 0.5 } }

    func expect(_ name: String, _ value: Double, tolerance: Double = 1e-12) {
        let expected = Self.reference[name]!
        #expect(abs(value - expected) <= tolerance * max(1, abs(expected)), "\(name): \(value) vs scikit-learn \(expected)")
    }

    @Test func rankingMetrics() {
        expect("auc", Metrics.rocAUC(labels: labels, scores: scores))
        expect("pr_auc", Metrics.averagePrecision(labels: labels, scores: scores))
    }

    /// Rows that share a score, given as per-score counts, have the AUC of the rows themselves,
    /// to the bit (target leakage scores each value group once this way).
    @Test func groupedAUCEqualsRowAUCToTheBit() {
        var generator = SeededRandom(seed: 7)
        for _ in 0..<20 {
            let groups = Int.random(in: 2...40, using: &generator)
            // Some groups share a score, as unseen categories share the prior.
            let scores = (0..<groups).map { _ in Double(Int.random(in: 0...15, using: &generator)) / 15 }
            var positives: [Double] = [], negatives: [Double] = [], rowLabels: [Bool] = [], rowScores: [Double] = []
            for g in 0..<groups {
                let p = Int.random(in: 0...300, using: &generator), n = Int.random(in: 0...300, using: &generator)
                positives.append(Double(p))
                negatives.append(Double(n))
                rowLabels += Array(repeating: true, count: p) + Array(repeating: false, count: n)
                rowScores += Array(repeating: scores[g], count: p + n)
            }
            let grouped = Metrics.rocAUC(scores: scores, positives: positives, negatives: negatives)
            let rows = Metrics.rocAUC(labels: rowLabels, scores: rowScores)
            #expect(grouped.bitPattern == rows.bitPattern, "\(grouped) vs \(rows)")
        }
    }

    @Test func thresholdedMetrics() {
        expect("accuracy", Metrics.accuracy(labels: labels, predictions: hard))
        expect("precision", Metrics.precision(labels: labels, predictions: hard))
        expect("recall", Metrics.recall(labels: labels, predictions: hard))
        expect("f1", Metrics.f1(labels: labels, predictions: hard))
    }

    @Test func probabilisticMetrics() {
        expect("log_loss", Metrics.logLoss(labels: labels, probabilities: scores))
        expect("brier", Metrics.brier(labels: labels, probabilities: scores))
        expect("ece", Metrics.expectedCalibrationError(labels: labels, probabilities: scores))
    }

    @Test func regressionMetrics() {
        expect("rmse", Metrics.rmse(truth, predicted))
        expect("mae", Metrics.mae(truth, predicted))
        expect("r2", Metrics.r2(truth, predicted))
    }

    @Test func degenerateInputsFollowScikitLearn() {
        #expect(Metrics.rocAUC(labels: [true, true], scores: [0.1, 0.9]).isNaN)
        #expect(Metrics.precision(labels: [true, false], predictions: [false, false]) == 0)
        #expect(Metrics.f1(labels: [false, false], predictions: [false, false]) == 0)
        #expect(Metrics.r2([3, 3, 3], [3, 3, 3]) == 1 && Metrics.r2([3, 3, 3], [2, 3, 4]) == 0)
        #expect(Metrics.rocAUC(labels: [false, true, false, true], scores: [0.5, 0.5, 0.5, 0.5]) == 0.5)
    }
}
