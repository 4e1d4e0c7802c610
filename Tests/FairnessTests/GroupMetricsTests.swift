import Foundation
import GateKit
import Testing
@testable import Fairness

/// Group metrics against fairlearn on the same predictions (Reference/make_fairness_reference.py).
@Suite struct GroupMetricsTests {
    struct Attribute: Decodable {
        let demographic_parity_difference: Double
        let demographic_parity_ratio: Double
        let equalized_odds_difference: Double
        let equal_opportunity_difference: Double
        let selection_rate: [String: Double]
        let tpr: [String: Double]
        let fpr: [String: Double]
    }
    struct Reference: Decodable { let attributes: [String: Attribute] }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference")
    static let reference = try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: directory.appendingPathComponent("fairness.json")))
    static let table = try! TableReader.read([UInt8](Data(contentsOf: directory.appendingPathComponent("predictions.csv"))), path: "p.csv")

    @Test(arguments: ["sex", "race", "sex&race"])
    func equalFairlearnToOneInABillion(attribute: String) throws {
        let expected = try #require(Self.reference.attributes[attribute])
        let labels = Self.table.column("label")!.numericValues!.map { $0 == 1 }
        let predictions = Self.table.column("prediction")!.numericValues!.map { $0 == 1 }
        let parts = attribute.split(separator: "&").map { Self.table.column(String($0))! }
        let membership: [String?] = (0..<Self.table.rowCount).map { r in parts.map { $0.text(at: r) }.joined(separator: "&") }
        let metrics = GroupMetrics(labels: labels, predictions: predictions, membership: membership, minGroupSize: 1)
        for (name, value) in [("demographic_parity_difference", expected.demographic_parity_difference),
                              ("demographic_parity_ratio", expected.demographic_parity_ratio),
                              ("equalized_odds_difference", expected.equalized_odds_difference),
                              ("equal_opportunity_difference", expected.equal_opportunity_difference)] {
            #expect(abs(metrics.value(name) - value) <= 1e-9, "\(name): \(metrics.value(name)) vs fairlearn \(value)")
        }
        #expect(metrics.value("disparate_impact_ratio") == metrics.value("demographic_parity_ratio"))
        for group in metrics.groups {
            #expect(abs(group.selectionRate - expected.selection_rate[group.name]!) <= 1e-12)
            #expect(abs(group.truePositiveRate - expected.tpr[group.name]!) <= 1e-12)
            #expect(abs(group.falsePositiveRate - expected.fpr[group.name]!) <= 1e-12)
        }
    }

    @Test func smallGroupsAreListedButNotJudged() {
        let labels = [true, false, true, false, true, true]
        let predictions = [true, false, false, false, true, true]
        let membership: [String?] = ["a", "a", "b", "b", "c", nil]
        let metrics = GroupMetrics(labels: labels, predictions: predictions, membership: membership, minGroupSize: 2)
        #expect(metrics.groups.map(\.name) == ["a", "b", "c"])
        #expect(metrics.groups.map(\.judged) == [true, true, false])
        #expect(metrics.value("demographic_parity_difference") == 0.5)
        let tooFew = GroupMetrics(labels: labels, predictions: predictions, membership: membership, minGroupSize: 3)
        #expect(tooFew.value("demographic_parity_difference").isNaN)
    }
}

@Suite struct ProxyCheckTests {
    @Test func cramersVMatchesScipysDefinition() {
        // A 2x2 table [[40, 10], [10, 40]]: chi2 = 36 on 100 rows, V = sqrt(36 / 100) = 0.6.
        let a = Array(repeating: "x", count: 50) + Array(repeating: "y", count: 50)
        let b = Array(repeating: "p", count: 40) + Array(repeating: "q", count: 10) + Array(repeating: "p", count: 10) + Array(repeating: "q", count: 40)
        #expect(abs(ProxyCheck.cramersV(a, b) - 0.6) < 1e-12)
        #expect(ProxyCheck.cramersV(a, a) > 0.999)
    }

    @Test func namesTheProxyFeature() throws {
        var rows = ["sex,title,income,height"]
        for i in 0..<400 {
            let male = i % 2 == 0
            rows.append("\(male ? "m" : "f"),\(male != (i % 20 == 1) ? "Mr" : "Ms"),\(1000 + (i * 37) % 500),\(male ? 170 + i % 15 : 160 + i % 15)")
        }
        let train = try TableReader.read(Array((rows.joined(separator: "\n") + "\n").utf8), path: "t.csv")
        let result = ProxyCheck(attribute: "sex", features: ["title", "income", "height"], train: train).result()
        #expect(result.status == .warn)
        #expect(result.message.contains("'title'") && result.message.contains("'height'") && !result.message.contains("'income'"))
    }
}

@Suite struct FairnessPluginTests {
    /// The repository's own predictions are judged like a trained model's.
    @Test func judgesTheRepositorysPredictions() throws {
        var holdout = "x,sex,y\n", predictions = "prediction\n"
        for i in 0..<400 {
            let male = i % 2 == 0
            holdout += "\(i),\(male ? "m" : "f"),\(i % 3 == 0 ? 1 : 0)\n"
            predictions += "\(male ? (i % 4 == 0 ? 1 : 0) : (i % 10 == 1 ? 1 : 0))\n"
        }
        let table = try TableReader.read(Array(holdout.utf8), path: "h.csv")
        let predicted = try TableReader.read(Array(predictions.utf8), path: "p.csv")
        var config = Configuration(target: "y", data: DataPaths(train: "h.csv", holdout: "h.csv", predictions: "p.csv"))
        config.features.protected = ["sex"]
        let side = Side(role: .head, revision: "HEAD", commit: "b", configuration: config,
                        tables: ["train": table, "holdout": table, "predictions": predicted], files: [:])
        let checks = FairnessPlugin().run(PluginContext(baseline: side, head: side, policy: Policy(), seed: 1, jobs: 1))
        let dpd = try #require(checks.first { $0.id == "fairness/demographic_parity_difference/sex" })
        // Men: every other row predicted positive (0.5); women: one in five (0.2).
        // The baseline has the same predictions, so the failure is main's debt: a warning marked preexisting.
        #expect(abs((dpd.value ?? 0) - 0.3) < 1e-12 && dpd.status == Status.warn && dpd.preexisting)
        #expect(checks.first { $0.id == "fairness/disparate_impact_ratio/sex" }?.value.map { abs($0 - 0.4) < 1e-12 } == true)
        #expect(dpd.details["groups"]?.arrayValue?.count == 2)
    }
}

@Suite struct ProxySparsityTests {
    @Test func anIdLikeColumnIsNotCalledAProxy() throws {
        var rows = ["sex,postcode"]
        for i in 0..<300 { rows.append("\(i % 2 == 0 ? "m" : "f"),P\(i)") }
        let train = try TableReader.read(Array((rows.joined(separator: "\n") + "\n").utf8), path: "t.csv")
        let result = ProxyCheck(attribute: "sex", features: ["postcode"], train: train).result()
        #expect(result.status == .pass)
        #expect(result.details["features"]?.arrayValue?.first?["note"]?.stringValue?.contains("too many") == true)
    }
}
