/// A KLL quantile sketch (Karnin, Lang & Liberty 2016): bounded memory, mergeable, with a
/// rank error of about 1.7 / k of the count (k = 256: ±0.7% in rank) with high probability.
///
/// Exact while it holds fewer than `exactLimit` values; beyond that it compacts. The coin that
/// chooses which half of a compacted level survives comes from a seeded generator, so the same
/// values in the same order always give the same sketch.
public struct QuantileSketch: Sendable {
    public let k: Int
    private var levels: [[Double]] = [[]]
    private var rng: UInt64
    /// `capacity(0)`, kept because every insert compares against it.
    private var levelZeroCapacity = 0
    public private(set) var count = 0
    /// Values kept exactly before the first compaction (512 KiB of doubles by default).
    public let exactLimit: Int

    public init(k: Int = 256, exactLimit: Int = 1 << 16, seed: UInt64 = 0x5EED) {
        self.k = k
        self.exactLimit = exactLimit
        self.rng = seed
    }

    /// True while no value has been dropped: quantiles are exact.
    public var isExact: Bool { levels.count == 1 }

    /// The stated normalised rank error: 0 while exact.
    public var rankError: Double { isExact ? 0 : 1.7 / Double(k) }

    private func capacity(_ level: Int) -> Int {
        let depth = levels.count - 1 - level
        var c = Double(k)
        for _ in 0..<depth { c *= 2.0 / 3.0 }
        return Swift.max(8, Int(c.rounded(.up)))
    }

    public mutating func insert(_ value: Double) {
        guard !value.isNaN else { return }
        levels[0].append(value == 0 ? 0 : value)  // one zero: −0 and 0 sort alike everywhere
        count += 1
        if levels.count == 1 ? levels[0].count >= exactLimit : levels[0].count >= levelZeroCapacity { compress() }
    }

    public mutating func insert<S: Sequence>(contentsOf values: S) where S.Element == Double {
        for v in values { insert(v) }
    }

    private mutating func nextBit() -> Bool {
        rng &+= 0x9E37_79B9_7F4A_7C15
        return Mixing.mix64(rng) & 1 == 1
    }

    private mutating func compress() {
        var level = 0
        while level < levels.count {
            if levels[level].count >= capacity(level) || (levels.count == 1 && levels[0].count >= exactLimit) {
                if level + 1 == levels.count { levels.append([]) }
                // Radix sort: compactions sort a level at a time, the sketch's main cost.
                var items = RadixSort.sortedNonMissing(levels[level])
                let offset = nextBit() ? 1 : 0
                var survivors: [Double] = []
                survivors.reserveCapacity(items.count / 2 + 1)
                // An odd item out stays at this level, so weights stay exact.
                var keep: [Double] = []
                if items.count % 2 == 1 { keep.append(items.removeLast()) }
                var i = offset
                while i < items.count { survivors.append(items[i]); i += 2 }
                levels[level] = keep
                levels[level + 1].append(contentsOf: survivors)
            }
            level += 1
        }
        levelZeroCapacity = capacity(0)
    }

    /// Merges another sketch built with the same k (for chunks read in parallel; merge in a
    /// fixed order to stay deterministic).
    public mutating func merge(_ other: QuantileSketch) {
        for (level, items) in other.levels.enumerated() {
            while levels.count <= level { levels.append([]) }
            levels[level].append(contentsOf: items)
        }
        count += other.count
        compress()
    }

    /// The `p` quantile (0…1): linear interpolation while exact (as numpy), else the smallest
    /// retained value whose weighted rank reaches p·n.
    public func quantile(_ p: Double) -> Double {
        guard count > 0 else { return .nan }
        if isExact {
            return Quantiles.linear(levels[0].sorted(), p)
        }
        var weighted: [(Double, Int)] = []
        for (level, items) in levels.enumerated() { for v in items { weighted.append((v, 1 << level)) } }
        weighted.sort { $0.0 < $1.0 }
        let total = weighted.reduce(0) { $0 + $1.1 }
        let target = p * Double(total)
        var cumulative = 0
        for (value, weight) in weighted {
            cumulative += weight
            if Double(cumulative) >= target { return value }
        }
        return weighted.last!.0
    }

    /// The fraction of values ≤ `value` (exact while the sketch is).
    public func rank(of value: Double) -> Double {
        guard count > 0 else { return .nan }
        var below = 0
        for (level, items) in levels.enumerated() { for v in items where v <= value { below += 1 << level } }
        return Double(below) / Double(count)
    }

    /// The retained values, ascending, each with the number of values it stands for: the whole
    /// data while the sketch is exact.
    public func weightedValues() -> [(value: Double, weight: Int)] {
        var weighted: [(value: Double, weight: Int)] = []
        weighted.reserveCapacity(retained)
        for (level, items) in levels.enumerated() { for v in items { weighted.append((v, 1 << level)) } }
        weighted.sort { $0.value < $1.value }
        return weighted
    }

    /// Values retained: the sketch's memory in doubles.
    public var retained: Int { levels.reduce(0) { $0 + $1.count } }
}
