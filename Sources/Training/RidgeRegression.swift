import Tabular

/// L2-regularised least squares with an unpenalised intercept, as scikit-learn's
/// `Ridge(alpha=…, fit_intercept=True)`: the centred normal equations solved by Cholesky.
public struct RidgeRegression: Sendable, Equatable, Codable {
    public let encoder: FeatureEncoder
    public let coefficients: [Double]
    public let intercept: Double

    public enum Failure: Error, Equatable { case noRows, singular }

    /// Fits on `table` with `features` predicting `target` (rows with a missing target are left out).
    public init(fitting table: Table, features: [String], target: String, alpha: Double) throws(Failure) {
        guard let y = table.column(target)?.numericValues else { throw .noRows }
        let encoder = FeatureEncoder(fitting: table, features: features)
        let x = encoder.encode(table)
        let rows = (0..<table.rowCount).filter { !y[$0].isNaN }
        guard !rows.isEmpty else { throw .noRows }
        let p = x.columns
        var means = [Double](repeating: 0, count: p)
        var yMean = 0.0
        for r in rows {
            yMean += y[r]
            for j in 0..<p { means[j] += x[r, j] }
        }
        yMean /= Double(rows.count)
        for j in 0..<p { means[j] /= Double(rows.count) }
        var gram = [Double](repeating: 0, count: p * p)
        var rhs = [Double](repeating: 0, count: p)
        var centred = [Double](repeating: 0, count: p)
        for r in rows {
            for j in 0..<p { centred[j] = x[r, j] - means[j] }
            let dy = y[r] - yMean
            for i in 0..<p {
                let ci = centred[i]
                rhs[i] += ci * dy
                for j in 0...i { gram[i * p + j] += ci * centred[j] }
            }
        }
        for i in 0..<p {
            for j in 0..<i { gram[j * p + i] = gram[i * p + j] }
            gram[i * p + i] += alpha
        }
        guard let w = LinearAlgebra.solveSPD(gram, rhs, size: p) else { throw .singular }
        var intercept = yMean
        for j in 0..<p { intercept -= means[j] * w[j] }
        self.encoder = encoder
        self.coefficients = w
        self.intercept = intercept
    }

    public func predict(_ table: Table) -> [Double] {
        let x = encoder.encode(table)
        return (0..<x.rows).map { r in
            var sum = intercept
            for j in 0..<x.columns { sum += x[r, j] * coefficients[j] }
            return sum
        }
    }
}
