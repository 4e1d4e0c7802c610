/// The few dense operations the linear models need, over contiguous storage, summing in a
/// fixed order so that results are bit-for-bit reproducible.
enum LinearAlgebra {
    /// Solves A x = b for symmetric positive-definite A (p × p, row-major) by Cholesky.
    /// Returns nil when A is not positive definite.
    static func solveSPD(_ a: [Double], _ b: [Double], size p: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: p * p)
        for i in 0..<p {
            for j in 0...i {
                var sum = a[i * p + j]
                for k in 0..<j { sum -= l[i * p + k] * l[j * p + k] }
                if i == j {
                    guard sum > 0 else { return nil }
                    l[i * p + i] = sum.squareRoot()
                } else {
                    l[i * p + j] = sum / l[j * p + j]
                }
            }
        }
        var y = [Double](repeating: 0, count: p)
        for i in 0..<p {
            var sum = b[i]
            for k in 0..<i { sum -= l[i * p + k] * y[k] }
            y[i] = sum / l[i * p + i]
        }
        var x = [Double](repeating: 0, count: p)
        for i in stride(from: p - 1, through: 0, by: -1) {
            var sum = y[i]
            for k in (i + 1)..<max(i + 1, p) { sum -= l[k * p + i] * x[k] }
            x[i] = sum / l[i * p + i]
        }
        return x
    }
}
