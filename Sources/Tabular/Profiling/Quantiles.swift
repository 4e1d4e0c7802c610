/// Quantiles of sorted values with linear interpolation between order statistics:
/// numpy's default (`method="linear"`), pandas' `quantile`, and SPEC §3's PSI edges.
public enum Quantiles {
    /// The `p` quantile (0…1) of `sorted`, which must be ascending and non-empty.
    public static func linear(_ sorted: UnsafeBufferPointer<Double>, _ p: Double) -> Double {
        // numpy's virtual index for "linear", (n − 1)·p, so the result matches to the last bit.
        let position = Double(sorted.count - 1) * p
        let lower = Swift.max(0, Swift.min(Int(position.rounded(.down)), sorted.count - 1))
        let upper = Swift.min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        let a = sorted[lower], b = sorted[upper]
        // numpy's _lerp: exact at both ends, and symmetric about the midpoint.
        let diff = b - a
        return fraction >= 0.5 ? b - diff * (1 - fraction) : a + diff * fraction
    }

    public static func linear(_ sorted: [Double], _ p: Double) -> Double {
        sorted.withUnsafeBufferPointer { linear($0, p) }
    }
}
