import Foundation
import Tabular
import Testing
import Training

/// Ridge and logistic regression against scikit-learn (Reference/make_linear_reference.py).
@Suite struct LinearModelTests {
    struct Model: Decodable {
        let features: [String]
        let coefficients: [Double]
        let intercept: Double
        let C: Double?
        let alpha: Double?
        let target: String?
        let first_predictions: [Double]?
    }
    struct Reference: Decodable { let train: String; let logistic: Model; let ridge: Model }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let reference = try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().appendingPathComponent("Reference/linear.json")))
    static let table = try! TableReader.read([UInt8](Data(contentsOf: root.appendingPathComponent(reference.train))),
                                             path: "train.csv", declared: ["region": .categorical])

    @Test func ridgeEqualsScikitLearn() throws {
        let r = Self.reference.ridge
        let model = try RidgeRegression(fitting: Self.table, features: r.features, target: r.target!, alpha: r.alpha!)
        #expect(model.coefficients.count == r.coefficients.count)
        for (ours, theirs) in zip(model.coefficients, r.coefficients) { #expect(abs(ours - theirs) <= 1e-8 * max(1, abs(theirs))) }
        #expect(abs(model.intercept - r.intercept) <= 1e-8 * abs(r.intercept))
        let predictions = model.predict(Self.table)
        for (ours, theirs) in zip(predictions.prefix(5), r.first_predictions!) { #expect(abs(ours - theirs) <= 1e-8 * abs(theirs)) }
    }

    @Test func logisticCoefficientsEqualScikitLearn() throws {
        let r = Self.reference.logistic
        let labels = Self.table.column("approved")!.numericValues!.map { $0 == 1 }
        let model = try LogisticRegression(fitting: Self.table, features: r.features, labels: labels, c: r.C!)
        #expect(model.encoder.featureNames == ["age", "income", "credit_score", "region=east", "region=north", "region=south", "region=west"])
        for (ours, theirs) in zip(model.coefficients, r.coefficients) { #expect(abs(ours - theirs) <= 1e-6, "\(ours) vs \(theirs)") }
        #expect(abs(model.intercept - r.intercept) <= 1e-6)
    }

    @Test func fittingTwiceGivesTheSameBits() throws {
        let labels = Self.table.column("approved")!.numericValues!.map { $0 == 1 }
        let a = try LogisticRegression(fitting: Self.table, features: ["age", "income", "region"], labels: labels, c: 1)
        let b = try LogisticRegression(fitting: Self.table, features: ["age", "income", "region"], labels: labels, c: 1)
        #expect(a.coefficients.map(\.bitPattern) == b.coefficients.map(\.bitPattern))
    }

    @Test func saysWhyItCannotFit() {
        #expect(throws: LogisticRegression.Failure.oneClass) {
            try LogisticRegression(fitting: Self.table, features: ["age"], labels: Array(repeating: true, count: Self.table.rowCount), c: 1)
        }
    }
}
