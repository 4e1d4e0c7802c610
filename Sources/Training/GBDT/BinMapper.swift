import Tabular

/// Maps one feature's values to at most `maxBins` bins plus one bin for missing values.
///
/// Invariants: bins are ordered like values (numeric), so "bin ≤ t" is "value ≤ bound t";
/// the last bin (`missingBin`) holds missing values and, for categories, nothing else.
public struct BinMapper: Sendable, Equatable, Codable {
    public enum Kind: Sendable, Equatable, Codable {
        /// Bin i holds values ≤ bounds[i] and > bounds[i − 1]; the last bound is +∞.
        case numeric(bounds: [Double])
        /// Bin i holds levels[i]; levels not listed (rare or unseen) share the bin after them.
        case categorical(levels: [String])
    }

    public let kind: Kind

    /// The bin of missing values: one past the value bins.
    public var missingBin: Int {
        switch kind {
        case .numeric(let bounds): bounds.count
        case .categorical(let levels): levels.count + 1
        }
    }

    public var binCount: Int { missingBin + 1 }

    /// Values kept to choose numeric bounds (LightGBM's `bin_construct_sample_cnt`).
    public static let sampleSize = 200_000

    /// Chooses bins from a training column.
    ///
    /// Numeric: bounds as LightGBM chooses them (`numericBounds`), from a seeded sample of at
    /// most 200,000 values. Categorical: the most frequent `maxBins − 1` levels, the rest together.
    public init(column: Column, maxBins: Int, seed: UInt64) {
        switch column.storage {
        case .numeric(let values):
            var present = values.filter { !$0.isNaN }
            // A bin of the budget goes to missing values when there are some (as LightGBM).
            let valueBins = present.count < values.count ? maxBins - 1 : maxBins
            if present.count > Self.sampleSize {
                var rng = SeededRandom(seed: seed)
                // A partial Fisher–Yates shuffle: the first sampleSize entries are the sample.
                for i in 0..<Self.sampleSize {
                    let j = i + Int(rng.next() % UInt64(present.count - i))
                    present.swapAt(i, j)
                }
                present.removeLast(present.count - Self.sampleSize)
            }
            kind = .numeric(bounds: Self.numericBounds(RadixSort.sortedNonMissing(present), maxBins: max(1, valueBins)))
        case .categorical(let codes, let levels):
            var counts = [Int](repeating: 0, count: levels.count)
            for code in codes where code >= 0 { counts[Int(code)] += 1 }
            let ranked = levels.indices.filter { counts[$0] > 0 }
                .sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }
            kind = .categorical(levels: ranked.prefix(max(1, maxBins - 1)).map { levels[$0] })
        }
    }

    /// Fewest values a bin is cut after (LightGBM's `min_data_in_bin`).
    static let minValuesInBin = 3
    /// Values within this of zero are zero, which gets a bin of its own (LightGBM's `kZeroThreshold`).
    static let zeroThreshold = 1e-35

    /// Upper bounds of at most `maxBins` bins for sorted values, the last +∞, chosen as LightGBM
    /// does so that the same data give the same candidate splits: negative values, zero and
    /// positive values are binned apart (zero alone), each side's share of the bins in
    /// proportion to its values; within a side, `greedyBounds`.
    static func numericBounds(_ sorted: [Double], maxBins: Int) -> [Double] {
        guard !sorted.isEmpty else { return [.infinity] }
        var distinct: [Double] = [], counts: [Int] = []
        for v in sorted {
            if distinct.last == v { counts[counts.count - 1] += 1 } else { distinct.append(v); counts.append(1) }
        }
        let firstNotNegative = distinct.firstIndex { $0 > -zeroThreshold } ?? distinct.count
        let firstPositive = distinct[firstNotNegative...].firstIndex { $0 > zeroThreshold }
        let negatives = counts[..<firstNotNegative].reduce(0, +)
        let zeros = counts[firstNotNegative..<(firstPositive ?? distinct.count)].reduce(0, +)
        var bounds: [Double] = []
        if firstNotNegative > 0, maxBins > 1 {
            let share = max(1, Int(Double(negatives) / Double(sorted.count - zeros) * Double(maxBins - 1)))
            bounds = greedyBounds(distinct[..<firstNotNegative], counts[..<firstNotNegative], maxBins: share, total: negatives)
            bounds[bounds.count - 1] = -zeroThreshold
        }
        let positiveBins = maxBins - 1 - bounds.count
        if let firstPositive, positiveBins > 0 {
            bounds.append(zeroThreshold)
            bounds += greedyBounds(distinct[firstPositive...], counts[firstPositive...], maxBins: positiveBins,
                                   total: sorted.count - negatives - zeros)
        } else {
            bounds.append(.infinity)
        }
        return bounds
    }

    /// LightGBM's greedy bins over distinct values and their counts: with few distinct values,
    /// a cut after every run of at least `minValuesInBin` values; with many, values frequent
    /// enough to fill a bin alone get one, and the others are filled to the mean size of the
    /// bins left. Cuts sit just above the midpoint between neighbouring values.
    static func greedyBounds(_ distinct: ArraySlice<Double>, _ counts: ArraySlice<Int>, maxBins: Int, total: Int) -> [Double] {
        let values = Array(distinct), counts = Array(counts)
        let n = values.count
        func cut(_ low: Double, _ high: Double) -> Double { ((low + high) / 2).nextUp }
        var bounds: [Double] = []
        if n <= maxBins {
            var filled = 0
            for i in 0..<(n - 1) {
                filled += counts[i]
                guard filled >= minValuesInBin else { continue }
                let bound = cut(values[i], values[i + 1])
                if bounds.last != bound { bounds.append(bound); filled = 0 }
            }
            bounds.append(.infinity)
            return bounds
        }
        let bins = max(1, min(maxBins, total / minValuesInBin))
        var meanSize = Double(total) / Double(bins)
        var binsLeft = bins, valuesLeft = total
        let big = counts.map { Double($0) >= meanSize }
        for i in 0..<n where big[i] { binsLeft -= 1; valuesLeft -= counts[i] }
        meanSize = Double(valuesLeft) / Double(binsLeft)
        var uppers: [Double] = [], lowers: [Double] = [values[0]]
        var filled = 0
        for i in 0..<(n - 1) {
            if !big[i] { valuesLeft -= counts[i] }
            filled += counts[i]
            if big[i] || Double(filled) >= meanSize || (big[i + 1] && Double(filled) >= max(1, meanSize * 0.5)) {
                uppers.append(values[i])
                lowers.append(values[i + 1])
                if uppers.count >= bins - 1 { break }
                filled = 0
                if !big[i] {
                    binsLeft -= 1
                    meanSize = Double(valuesLeft) / Double(binsLeft)
                }
            }
        }
        for i in 0..<uppers.count {
            let bound = cut(uppers[i], lowers[i + 1])
            if bounds.last != bound { bounds.append(bound) }
        }
        bounds.append(.infinity)
        return bounds
    }

    /// The bin of every row of `column` (which must be of this mapper's kind, or absent).
    public func bins(_ column: Column?, rows: Int) -> [UInt8] {
        var out = [UInt8](repeating: UInt8(missingBin), count: rows)
        guard let column else { return out }
        switch (kind, column.storage) {
        case (.numeric(let bounds), .numeric(let values)):
            bounds.withUnsafeBufferPointer { bounds in
                values.withUnsafeBufferPointer { values in
                    out.withUnsafeMutableBufferPointer { out in
                        // Branch-free binary search for the first bound ≥ v (the last bound is +∞, never compared).
                        // Eight rows search side by side, so that eight chains of dependent loads overlap instead of waiting in turn.
                        // 1 when bound < value, else 0, from the sign of their difference (exact for
                        // finite bounds: x − y is 0 only when x = y). A comparison here is compiled
                        // to a branch, and these branches are coin flips.
                        @inline(__always) func step(_ bound: Double, _ value: Double) -> Int {
                            Int(truncatingIfNeeded: (bound - value).bitPattern >> 63)
                        }
                        let lanes = 8
                        var r = 0
                        while r + lanes <= rows {
                            var base = (0, 0, 0, 0, 0, 0, 0, 0)
                            var n = bounds.count
                            while n > 1 {
                                let half = n >> 1
                                base.0 &+= half &* step(bounds[base.0 + half - 1], values[r])
                                base.1 &+= half &* step(bounds[base.1 + half - 1], values[r + 1])
                                base.2 &+= half &* step(bounds[base.2 + half - 1], values[r + 2])
                                base.3 &+= half &* step(bounds[base.3 + half - 1], values[r + 3])
                                base.4 &+= half &* step(bounds[base.4 + half - 1], values[r + 4])
                                base.5 &+= half &* step(bounds[base.5 + half - 1], values[r + 5])
                                base.6 &+= half &* step(bounds[base.6 + half - 1], values[r + 6])
                                base.7 &+= half &* step(bounds[base.7 + half - 1], values[r + 7])
                                n -= half
                            }
                            // NaN compares false everywhere, so its search ends at 0: mark it missing.
                            if !values[r].isNaN { out[r] = UInt8(base.0) }
                            if !values[r + 1].isNaN { out[r + 1] = UInt8(base.1) }
                            if !values[r + 2].isNaN { out[r + 2] = UInt8(base.2) }
                            if !values[r + 3].isNaN { out[r + 3] = UInt8(base.3) }
                            if !values[r + 4].isNaN { out[r + 4] = UInt8(base.4) }
                            if !values[r + 5].isNaN { out[r + 5] = UInt8(base.5) }
                            if !values[r + 6].isNaN { out[r + 6] = UInt8(base.6) }
                            if !values[r + 7].isNaN { out[r + 7] = UInt8(base.7) }
                            r += lanes
                        }
                        while r < rows {
                            let v = values[r]
                            if !v.isNaN {
                                var base = 0, n = bounds.count
                                while n > 1 {
                                    let half = n >> 1
                                    base &+= half &* step(bounds[base + half - 1], v)
                                    n -= half
                                }
                                out[r] = UInt8(base)
                            }
                            r += 1
                        }
                    }
                }
            }
        case (.categorical(let levels), .categorical(let codes, let columnLevels)):
            let index = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, $0) })
            let other = levels.count
            let map = columnLevels.map { UInt8(index[$0] ?? other) }
            for r in 0..<rows where codes[r] >= 0 { out[r] = map[Int(codes[r])] }
        case (.categorical(let levels), .numeric):
            let index = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, $0) })
            for r in 0..<rows {
                let text = column.text(at: r)
                if !text.isEmpty { out[r] = UInt8(index[text] ?? levels.count) }
            }
        case (.numeric, .categorical):
            break   // retyped since training: every value reads as missing
        }
        return out
    }
}

/// SplitMix64 as a seeded generator: bagging, column sampling and bin samples.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Mixing.mix64(state &- 0x9E37_79B9_7F4A_7C15)
    }
}
