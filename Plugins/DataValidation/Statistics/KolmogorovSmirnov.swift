import Foundation

/// The two-sample Kolmogorov–Smirnov test.
///
/// The statistic D equals `scipy.stats.ks_2samp(...).statistic`. The p-value follows scipy's
/// `method="asymp"`: the distribution of the one-sample D for n = round(m·n / (m + n)), computed
/// as scipy's `kstwo.sf` does for n > 140 (Simard & L'Ecuyer): 2 × Smirnov's exact one-sided
/// tail when n·D² ≥ 2.2, Pelz–Good's expansion below. p-values are reported, never judged.
public enum KolmogorovSmirnov {
    /// D = sup |F₁ − F₂| over two ascending samples, by one linear merge.
    public static func statistic(_ a: [Double], _ b: [Double]) -> Double {
        guard !a.isEmpty, !b.isEmpty else { return .nan }
        let n1 = Double(a.count), n2 = Double(b.count)
        var i = 0, j = 0
        var d = 0.0
        while i < a.count && j < b.count {
            // Step past every value equal to the smaller one on both sides (ties move together).
            let v = Swift.min(a[i], b[j])
            while i < a.count && a[i] <= v { i += 1 }
            while j < b.count && b[j] <= v { j += 1 }
            d = Swift.max(d, abs(Double(i) / n1 - Double(j) / n2))
        }
        return d
    }

    /// D from weighted sorted values (quantile sketches): equal to `statistic(_:_:)` when every
    /// weight is 1, within the sketches' rank errors otherwise.
    static func statistic(weighted a: [(value: Double, weight: Int)], _ b: [(value: Double, weight: Int)]) -> Double {
        guard !a.isEmpty, !b.isEmpty else { return .nan }
        let n1 = Double(a.reduce(0) { $0 + $1.weight }), n2 = Double(b.reduce(0) { $0 + $1.weight })
        var i = 0, j = 0, ca = 0, cb = 0
        var d = 0.0
        while i < a.count && j < b.count {
            let v = Swift.min(a[i].value, b[j].value)
            while i < a.count && a[i].value <= v { ca += a[i].weight; i += 1 }
            while j < b.count && b[j].value <= v { cb += b[j].weight; j += 1 }
            d = Swift.max(d, abs(Double(ca) / n1 - Double(cb) / n2))
        }
        return d
    }

    /// The asymptotic two-sided p-value of D for samples of sizes `m` and `n`.
    public static func pValue(d: Double, m: Int, n: Int) -> Double {
        guard d.isFinite, m > 0, n > 0 else { return .nan }
        let (big, small) = (Double(Swift.max(m, n)), Double(Swift.min(m, n)))
        let en = (big * small / (big + small)).rounded(.toNearestOrEven)
        return kolmogorovSurvival(n: Swift.max(1, Int(en)), x: d)
    }

    /// P(Dₙ > x) for the one-sample two-sided statistic.
    static func kolmogorovSurvival(n: Int, x: Double) -> Double {
        if x >= 1 { return 0 }
        if x <= 0 { return 1 }
        let nd = Double(n)
        let t = nd * x
        if t <= 1 {
            if t <= 0.5 { return 1 }
            let logP = logFactorialOverPower(n) + nd * log(2 * t - 1)
            return 1 - exp(logP)
        }
        if t >= nd - 1 { return clip(2 * pow(1 - x, nd)) }
        if x >= 0.5 { return clip(2 * smirnov(n: n, d: x)) }
        let nxx = t * x
        if nxx >= 370 { return 0 }
        if nxx >= 2.2 { return clip(2 * smirnov(n: n, d: x)) }
        return clip(1 - pelzGood(n: nd, x: x))
    }

    private static func clip(_ p: Double) -> Double { Swift.min(1, Swift.max(0, p)) }

    /// log(n! / nⁿ)
    private static func logFactorialOverPower(_ n: Int) -> Double {
        SpecialFunctions.logGamma(Double(n) + 1) - Double(n) * log(Double(n))
    }

    /// Smirnov's exact one-sided tail P(D⁺ₙ ≥ d) (Birnbaum & Tingey), summed in log space.
    /// The terms are summed as they come, scaled to the largest so far (never stored: n is the
    /// effective sample size, 15 million for two sides of 30 million rows).
    static func smirnov(n: Int, d: Double) -> Double {
        let nd = Double(n)
        let last = Int((nd * (1 - d)).rounded(.down))
        let logN = SpecialFunctions.logGamma(nd + 1)
        var peak = -Double.infinity, sum = 0.0
        for j in 0...Swift.max(0, last) {
            let jd = Double(j)
            let a = 1 - d - jd / nd
            guard a > 0 else { continue }
            let b = d + jd / nd
            let term = logN - SpecialFunctions.logGamma(jd + 1) - SpecialFunctions.logGamma(nd - jd + 1) + (nd - jd) * log(a) + (jd - 1) * log(b)
            if term > peak {
                sum = sum * exp(peak - term) + 1
                peak = term
            } else {
                sum += exp(term - peak)
            }
        }
        guard peak > -Double.infinity else { return 0 }
        return d * exp(peak) * sum
    }

    /// Pelz & Good's approximation to P(Dₙ ≤ x), as scipy's `_kolmogn_PelzGood`.
    static func pelzGood(n: Double, x: Double) -> Double {
        let pi2 = Double.pi * Double.pi, pi4 = pi2 * pi2, pi6 = pi4 * pi2
        let z = n.squareRoot() * x
        let z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2
        let qlog = -pi2 / 8 / z2
        if qlog < -708 { return 0 }
        let q = exp(qlog)
        let k1a = -z2, k1b = pi2 / 4
        let k2a = 6 * z6 + 2 * z4, k2b = (2 * z4 - 5 * z2) * pi2 / 4, k2c = pi4 * (1 - 2 * z2) / 16
        let k3d = pi6 * (5 - 30 * z2) / 64, k3c = pi4 * (-60 * z2 + 212 * z4) / 16
        let k3b = pi2 * (135 * z4 - 96 * z6) / 4, k3a = -30 * z6 - 90 * z6 * z2
        var k = [0.0, 0.0, 0.0, 0.0]
        let maxk = Int((16 * z / Double.pi).rounded(.up))
        for kk in stride(from: maxk, through: 1, by: -1) {
            let m = Double(2 * kk - 1)
            let m2 = m * m, m4 = m2 * m2, m6 = m4 * m2
            let qpower = pow(q, Double(8 * kk))
            let coeffs = [1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6]
            for i in 0..<4 { k[i] = k[i] * qpower + coeffs[i] }
        }
        let sqrt2pi = (2 * Double.pi).squareRoot()
        let divisors = [z, 6 * z4, 72 * z6 * z, 6480 * z6 * z4]
        for i in 0..<4 { k[i] = k[i] * q * sqrt2pi / divisors[i] }
        let q2 = exp(-pi2 / 2 / z2)
        var k2extra = 0.0, k3extra = 0.0
        let sqrt3z = 3.0.squareRoot() * z
        for kk in stride(from: maxk, through: 1, by: -1) {
            let ks = Double(kk), ks2 = ks * ks
            let qp = pow(q2, ks2)
            k2extra += ks2 * qp
            let kspi = Double.pi * ks
            k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ks2 * qp
        }
        k[2] += k2extra * pi2 * sqrt2pi / (-36 * z3)
        k[3] += k3extra * pi2 * sqrt2pi / (216 * z6)
        var sum = 0.0
        for i in 0..<4 { sum += k[i] / pow(n, Double(i) / 2) }
        return sum
    }
}
