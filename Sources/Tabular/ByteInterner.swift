/// Maps byte strings to dense codes in first-seen order, without a `String` per lookup.
///
/// Open addressing over a power-of-two table; the bytes of each level live once in one arena.
/// This is the hot path of reading categorical columns, so it avoids allocation per value.
struct ByteInterner {
    private var arena: [UInt8] = []
    private var starts: [Int] = [0]
    private var slots: [Int32]
    private var hashes: [UInt64] = []
    private var mask: Int

    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: -1, count: size)
        mask = size - 1
    }

    var count: Int { starts.count - 1 }

    @inline(__always)
    private static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        // FNV-1a with a final avalanche: fast on short keys, which categories are.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in 0..<n { h = (h ^ UInt64(p[i])) &* 0x0000_0100_0000_01B3 }
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return h
    }

    /// The code of the level with these bytes, adding it when new.
    mutating func intern(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
        let h = Self.hash(p, n)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let code = slots[slot]
            if code < 0 { break }
            let c = Int(code)
            if hashes[c] == h, starts[c + 1] - starts[c] == n,
               arena.withUnsafeBufferPointer({ memcmp($0.baseAddress! + starts[c], p, n) == 0 }) {
                return code
            }
            slot = (slot + 1) & mask
        }
        let code = Int32(count)
        arena.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        starts.append(arena.count)
        hashes.append(h)
        slots[slot] = code
        if count * 2 > slots.count { grow() }
        return code
    }

    mutating func intern(_ text: String) -> Int32 {
        var text = text
        return text.withUTF8 { intern($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        mask = slots.count - 1
        for code in 0..<count {
            var slot = Int(truncatingIfNeeded: hashes[code]) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(code)
        }
    }

    /// Calls `body` with each level's bytes, in code order.
    func forEachLevel(_ body: (UnsafePointer<UInt8>, Int) -> Void) {
        arena.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
            for code in 0..<count { body(base + starts[code], starts[code + 1] - starts[code]) }
        }
    }

    /// The levels as strings, in code order. The bytes were validated as UTF-8 on reading.
    func levels() -> [String] {
        (0..<count).map { String(decoding: arena[starts[$0]..<starts[$0 + 1]], as: UTF8.self) }
    }
}
