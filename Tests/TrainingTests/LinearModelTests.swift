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
    struct Fixture: Decodable { let train: String; let logistic: Model; let ridge: Model }
    struct Reference: Decodable { let train: String; let logistic: Model; let ridge: Model; let fixtures: [Fixture] }

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

    /// The same two models on every fixture's training file: coefficients within 1e-4 of
    /// scikit-learn's for logistic regression (the bound; they agree to 1e-6 above),
    /// 1e-8 for ridge.
    @Test(arguments: reference.fixtures.map(\.train))
    func bothModelsEqualScikitLearnOnEachFixture(train path: String) throws {
        let r = try #require(Self.reference.fixtures.first { $0.train == path })
        let table = try TableReader.read([UInt8](Data(contentsOf: Self.root.appendingPathComponent(path))), path: "train.csv",
                                         declared: ["region": .categorical])
        let labels = table.column("approved")!.numericValues!.map { $0 == 1 }
        let logistic = try LogisticRegression(fitting: table, features: r.logistic.features, labels: labels, c: r.logistic.C!)
        #expect(logistic.coefficients.count == r.logistic.coefficients.count)
        for (ours, theirs) in zip(logistic.coefficients, r.logistic.coefficients) { #expect(abs(ours - theirs) <= 1e-4, "\(path): \(ours) vs \(theirs)") }
        #expect(abs(logistic.intercept - r.logistic.intercept) <= 1e-4)
        let ridge = try RidgeRegression(fitting: table, features: r.ridge.features, target: r.ridge.target!, alpha: r.ridge.alpha!)
        #expect(ridge.coefficients.count == r.ridge.coefficients.count)
        for (ours, theirs) in zip(ridge.coefficients, r.ridge.coefficients) { #expect(abs(ours - theirs) <= 1e-8 * max(1, abs(theirs)), "\(path)") }
        #expect(abs(ridge.intercept - r.ridge.intercept) <= 1e-8 * abs(r.ridge.intercept))
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
