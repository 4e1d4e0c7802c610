import Foundation
import Tabular

/// L2-regularised logistic regression with an unpenalised intercept, as scikit-learn's
/// `LogisticRegression(C=…)`: minimises C · Σ log-loss + ½‖w‖², by Newton's method with a
/// Cholesky solve of the exact Hessian and a backtracking line search, to a gradient
/// below 1e-10 — the optimum scikit-learn's lbfgs approaches within its tolerance.
public struct LogisticRegression: Sendable, Equatable, Codable {
    public let encoder: FeatureEncoder
    public let coefficients: [Double]
    public let intercept: Double
    public let iterations: Int

    public enum Failure: Error, Equatable { case noRows, oneClass, singular }

    /// Fits on `table`'s `features`; `positive(row)` says whether a row's label is the positive class.
    public init(fitting table: Table, features: [String], labels: [Bool], c: Double, maxIterations: Int = 100) throws(Failure) {
        guard !labels.isEmpty, labels.count == table.rowCount else { throw .noRows }
        guard labels.contains(true), labels.contains(false) else { throw .oneClass }
        let encoder = FeatureEncoder(fitting: table, features: features)
        let x = encoder.encode(table)
        let n = x.rows, p = x.columns, q = p + 1   // the last parameter is the intercept
        var beta = [Double](repeating: 0, count: q)
        let y = labels.map { $0 ? 1.0 : 0.0 }

        func objective(_ beta: [Double]) -> Double {
            var loss = 0.0
            for r in 0..<n {
                var z = beta[p]
                for j in 0..<p { z += x[r, j] * beta[j] }
                // log(1 + e^z) − y·z, computed without overflow.
                loss += (z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))) - y[r] * z
            }
            var penalty = 0.0
            for j in 0..<p { penalty += beta[j] * beta[j] }
            return c * loss + 0.5 * penalty
        }

        var iterations = 0
        var current = objective(beta)
        while iterations < maxIterations {
            iterations += 1
            var gradient = [Double](repeating: 0, count: q)
            var hessian = [Double](repeating: 0, count: q * q)
            var row = [Double](repeating: 0, count: q)
            for r in 0..<n {
                var z = beta[p]
                for j in 0..<p { row[j] = x[r, j]; z += row[j] * beta[j] }
                row[p] = 1
                let mu = 1 / (1 + exp(-z))
                let weight = c * mu * (1 - mu)
                let residual = c * (mu - y[r])
                for i in 0..<q {
                    gradient[i] += residual * row[i]
                    let wi = weight * row[i]
                    for j in 0...i { hessian[i * q + j] += wi * row[j] }
                }
            }
            for j in 0..<p {
                gradient[j] += beta[j]
                hessian[j * q + j] += 1
            }
            for i in 0..<q { for j in 0..<i { hessian[j * q + i] = hessian[i * q + j] } }
            if gradient.map(abs).max()! < 1e-10 { break }
            guard let step = LinearAlgebra.solveSPD(hessian, gradient, size: q) else { throw .singular }
            var t = 1.0
            var candidate = beta
            while true {
                for i in 0..<q { candidate[i] = beta[i] - t * step[i] }
                let value = objective(candidate)
                if value <= current || t < 1e-10 {
                    current = value
                    break
                }
                t /= 2
            }
            let moved = zip(candidate, beta).map { abs($0 - $1) }.max()!
            beta = candidate
            if moved < 1e-14 { break }
        }
        self.encoder = encoder
        self.coefficients = Array(beta[0..<p])
        self.intercept = beta[p]
        self.iterations = iterations
    }

    /// The positive class's probability for each row of `table`.
    public func predictProbabilities(_ table: Table) -> [Double] {
        let x = encoder.encode(table)
        return (0..<x.rows).map { r in
            var z = intercept
            for j in 0..<x.columns { z += x[r, j] * coefficients[j] }
            return 1 / (1 + exp(-z))
        }
    }
}
