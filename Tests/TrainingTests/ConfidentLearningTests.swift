import Foundation
import Testing
@testable import Training

/// Confident learning against cleanlab's `find_label_issues(filter_by="confident_learning")` on
/// the same out-of-fold probabilities (Reference/make_cleanlab_reference.py).
@Suite struct ConfidentLearningTests {
    struct Reference: Decodable {
        struct Case: Decodable {
            let classes: Int
            let labels: [Int]
            let probabilities: [Double]
            let issues: [Bool]
            let flipped: [Bool]
        }
        let cases: [Case]
    }

    static let reference = try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: GradientBoostedTreesTests.directory.appendingPathComponent("cleanlab.json")))

    @Test(arguments: 0..<2) func issuesEqualCleanlabs(index: Int) {
        let reference = Self.reference.cases[index]
        let found = ConfidentLearning(labels: reference.labels, probabilities: reference.probabilities, classes: reference.classes)
        let differing = zip(found.issues, reference.issues).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
        #expect(differing.isEmpty, "\(reference.classes) classes: rows where cleanlab disagrees: \(differing.prefix(10))")
        #expect(found.issues.filter { $0 }.count > 100)
        // The flipped labels are what it finds: most issues are flips.
        let hits = zip(found.issues, reference.flipped).filter { $0.0 && $0.1 }.count
        #expect(Double(hits) / Double(found.issues.filter { $0 }.count) > 0.7)
    }

    @Test func aClassNoRowHasIsNeverConfident() {
        // Three classes, none labelled 2: its threshold is 2, above any probability.
        let found = ConfidentLearning(labels: [0, 1, 0, 1], probabilities: [0.1, 0.1, 0.8, 0.2, 0.1, 0.7, 0.9, 0.05, 0.05, 0.05, 0.9, 0.05],
                                      classes: 3)
        #expect(found.thresholds[2] == 2)
        #expect(found.confidentClass.allSatisfy { $0 != 2 })
    }
}
