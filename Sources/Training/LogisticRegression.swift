import Foundation
import Tabular

/// L2-regularised logistic regression with an unpenalised intercept, as scikit-learn's
/// `LogisticRegression(C=…)`: minimises C · Σ log-loss + ½‖w‖², by Newton's method with a
/// Cholesky solve of the exact Hessian and a backtracking line search, to a gradient
/// below 1e-10 — the optimum scikit-learn's lbfgs approaches within its tolerance. The design
/// is kept by its non-zeros (one-hot columns are never materialised), so a row costs its
/// column count squared, not its level count squared.
/// The design, shared read-only with the threads that sum over its rows.
private struct SharedDesign: @unchecked Sendable {
    let x: SparseDesign
}

public struct LogisticRegression: Sendable, Equatable, Codable {
    public let encoder: FeatureEncoder
    public let coefficients: [Double]
    public let intercept: Double
    public let iterations: Int

    public enum Failure: Error, Equatable { case noRows, oneClass, singular }

    /// Fits on `table`'s `features`; `positive(row)` says whether a row's label is the positive class.
    public init(fitting table: Table, features: [String], labels: [Bool], c: Double, maxIterations: Int = 100, jobs: Int = 1) throws(Failure) {
        guard !labels.isEmpty, labels.count == table.rowCount else { throw .noRows }
        guard labels.contains(true), labels.contains(false) else { throw .oneClass }
        let encoder = FeatureEncoder(fitting: table, features: features)
        let x = encoder.encodeSparse(table)
        let n = x.rows, p = x.width, k = x.perRow, q = p + 1   // the last parameter is the intercept
        var beta = [Double](repeating: 0, count: q)
        let y = labels.map { $0 ? 1.0 : 0.0 }

        /// Rows per block: sums are taken per block and the blocks added in order, so the fit
        /// is the same for any `jobs`.
        let block = 1 << 16
        let blocks = (n + block - 1) / block
        let shared = SharedDesign(x: x)

        @Sendable func margin(_ beta: [Double], _ r: Int) -> Double {
            var z = beta[p]
            for e in (r * k)..<((r + 1) * k) { z += shared.x.values[e] * beta[Int(shared.x.indices[e])] }
            return z
        }

        func objective(_ beta: [Double]) -> Double {
            let parts: [Double] = Parallel.map(blocks, jobs: jobs) { b in
                var loss = 0.0
                for r in (b * block)..<min(n, (b + 1) * block) {
                    let z = margin(beta, r)
                    // log(1 + e^z) − y·z, computed without overflow.
                    loss += (z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))) - y[r] * z
                }
                return loss
            }
            var penalty = 0.0
            for j in 0..<p { penalty += beta[j] * beta[j] }
            return c * parts.reduce(0, +) + 0.5 * penalty
        }

        var iterations = 0
        var current = objective(beta)
        while iterations < maxIterations {
            iterations += 1
            let point = beta
            // Each row touches only its non-zeros (and the intercept): k² updates, not q².
            let parts: [([Double], [Double])] = Parallel.map(blocks, jobs: jobs) { b in
                var gradient = [Double](repeating: 0, count: q)
                var hessian = [Double](repeating: 0, count: q * q)
                for r in (b * block)..<min(n, (b + 1) * block) {
                    let mu = 1 / (1 + exp(-margin(point, r)))
                    let weight = c * mu * (1 - mu)
                    let residual = c * (mu - y[r])
                    let base = r * k
                    for a in 0..<k {
                        let ia = Int(shared.x.indices[base + a]), va = shared.x.values[base + a]
                        guard va != 0 else { continue }
                        gradient[ia] += residual * va
                        let wa = weight * va
                        hessian[ia * q + p] += wa
                        for b in 0...a {
                            let ib = Int(shared.x.indices[base + b])
                            let product = wa * shared.x.values[base + b]
                            // Accumulate in the lower triangle whichever order the pair comes in.
                            if ia >= ib { hessian[ia * q + ib] += product } else { hessian[ib * q + ia] += product }
                        }
                    }
                    gradient[p] += residual
                    hessian[p * q + p] += weight
                }
                return (gradient, hessian)
            }
            var gradient = parts[0].0, hessian = parts[0].1
            for (g, h) in parts.dropFirst() {
                for i in 0..<q { gradient[i] += g[i] }
                for i in 0..<(q * q) { hessian[i] += h[i] }
            }
            // The intercept's column was filled in its row's upper part: fold it into the lower.
            for j in 0..<p { hessian[p * q + j] += hessian[j * q + p]; hessian[j * q + p] = 0 }
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
        let x = encoder.encodeSparse(table)
        return (0..<x.rows).map { r in
            var z = intercept
            for e in (r * x.perRow)..<((r + 1) * x.perRow) { z += x.values[e] * coefficients[Int(x.indices[e])] }
            return 1 / (1 + exp(-z))
        }
    }
}
