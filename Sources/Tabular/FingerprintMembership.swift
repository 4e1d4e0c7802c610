/// Which row fingerprints of one table occur among another's: holdout rows found in a training
/// set, for leakage checks and for leaving trained-on rows out of a model comparison.
///
/// One table of the probes, flagged by one pass over the keys, then read once per probe: time
/// in proportion to probes + keys and memory to the probes, where sorting the keys (a million
/// training rows against a holdout of a quarter of that) costs more than everything else.
public enum FingerprintMembership {
    /// For each probe, whether it is one of `keys`.
    public static func found(_ probes: [UInt64], in keys: [UInt64]) -> [Bool] {
        guard !probes.isEmpty, !keys.isEmpty else { return [Bool](repeating: false, count: probes.count) }
        var table = ProbeTable(capacityFor: probes.count)
        for probe in probes { table.insert(probe) }
        for key in keys { table.flag(key) }
        return probes.map { table.isFlagged($0) }
    }

    /// Open addressing with linear probing over a power-of-two table at most half full. A
    /// fingerprint's slot is its top bits after a Fibonacci multiply: fingerprints are mixed
    /// hashes already, and the multiply keeps that true of any input.
    private struct ProbeTable {
        private var slots: [UInt64]
        /// 0: empty, 1: holds a probe, 2: holds a probe found among the keys.
        private var states: [UInt8]
        private let shift: UInt64
        private let mask: Int

        init(capacityFor count: Int) {
            var bits = 4
            while (1 << bits) < 2 * count { bits += 1 }
            slots = [UInt64](repeating: 0, count: 1 << bits)
            states = [UInt8](repeating: 0, count: 1 << bits)
            shift = UInt64(64 - bits)
            mask = (1 << bits) - 1
        }

        @inline(__always)
        private func home(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) }

        /// The slot holding `key`, or the empty slot where it would go.
        @inline(__always)
        private func slot(_ key: UInt64) -> Int {
            var i = home(key)
            while states[i] != 0, slots[i] != key { i = (i &+ 1) & mask }
            return i
        }

        mutating func insert(_ key: UInt64) {
            let i = slot(key)
            if states[i] == 0 { slots[i] = key; states[i] = 1 }
        }

        mutating func flag(_ key: UInt64) {
            let i = slot(key)
            if states[i] != 0 { states[i] = 2 }
        }

        func isFlagged(_ key: UInt64) -> Bool { states[slot(key)] == 2 }
    }
}
