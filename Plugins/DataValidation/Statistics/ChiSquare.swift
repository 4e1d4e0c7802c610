import Foundation

/// Pearson's chi-square test of independence on a 2 × k table (baseline and head counts per
/// category), as `scipy.stats.chi2_contingency(table, correction=False)`.
public enum ChiSquare {
    public struct Result: Sendable, Equatable {
        public let statistic: Double
        public let degreesOfFreedom: Int
        public let pValue: Double
    }

    public static func test(baseline: [Int], head: [Int]) -> Result {
        let k = baseline.count
        let rowTotals = [Double(baseline.reduce(0, +)), Double(head.reduce(0, +))]
        let total = rowTotals[0] + rowTotals[1]
        var statistic = 0.0
        for j in 0..<k {
            let column = Double(baseline[j] + head[j])
            for (row, observed) in [baseline[j], head[j]].enumerated() {
                let expected = rowTotals[row] * column / total
                if expected > 0 { statistic += (Double(observed) - expected) * (Double(observed) - expected) / expected }
            }
        }
        let dof = k - 1
        guard dof > 0, total > 0 else { return Result(statistic: 0, degreesOfFreedom: 0, pValue: 1) }
        return Result(statistic: statistic, degreesOfFreedom: dof, pValue: SpecialFunctions.gammaQ(Double(dof) / 2, statistic / 2))
    }
}

/// Regularised incomplete gamma functions (Numerical Recipes §6.2), accurate to ~1e-14.
public enum SpecialFunctions {
    /// log Γ(x) for x > 0.
    public static func logGamma(_ x: Double) -> Double {
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
    }

    /// Q(a, x) = Γ(a, x) / Γ(a): the chi-square survival function is Q(dof/2, x/2).
    public static func gammaQ(_ a: Double, _ x: Double) -> Double {
        guard x > 0 else { return 1 }
        if x < a + 1 { return 1 - series(a, x) }
        return continuedFraction(a, x)
    }

    private static func series(_ a: Double, _ x: Double) -> Double {
        var ap = a, sum = 1 / a, delta = sum
        for _ in 0..<10_000 {
            ap += 1
            delta *= x / ap
            sum += delta
            if abs(delta) < abs(sum) * 1e-16 { break }
        }
        return sum * exp(-x + a * log(x) - SpecialFunctions.logGamma(a))
    }

    private static func continuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return exp(-x + a * log(x) - SpecialFunctions.logGamma(a)) * h
    }
}
