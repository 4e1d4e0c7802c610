/// 64-bit fingerprints of whole rows, for finding duplicates and rows shared by two tables.
///
/// Hashes are built column by column over contiguous storage (no per-row allocation) and
/// depend on values, not on codes: a category hashes by its text, so the same row in two
/// files with different category orders gets the same fingerprint. With 64 bits, a false
/// match among a million rows has a probability of about 3 × 10⁻⁸.
public enum RowHashing {
    /// - Parameter keepingAbsent: hash a column the table lacks as all-missing (so that two
    ///   tables keyed on the same list stay comparable) instead of skipping it.
    public static func hashes(_ table: Table, columns names: [String], keepingAbsent: Bool = false) -> [UInt64] {
        var acc = [UInt64](repeating: 0x243F_6A88_85A3_08D3, count: table.rowCount)
        for name in names {
            guard let column = table.column(name) else {
                if keepingAbsent { for i in acc.indices { acc[i] = combine(acc[i], 0x9E37_79B9_7F4A_7C15) } }
                continue
            }
            acc.withUnsafeMutableBufferPointer { acc in
                switch column.storage {
                case .numeric(let values):
                    for i in 0..<values.count { acc[i] = combine(acc[i], valueHash(values[i])) }
                case .categorical(let codes, let levels):
                    let levelHashes = levels.map(textHash)
                    let missing: UInt64 = 0x9E37_79B9_7F4A_7C15
                    for i in 0..<codes.count {
                        let code = codes[i]
                        acc[i] = combine(acc[i], code < 0 ? missing : levelHashes[Int(code)])
                    }
                }
            }
        }
        return acc
    }

    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 { Mixing.mix64(x) }

    @inline(__always)
    static func combine(_ acc: UInt64, _ value: UInt64) -> UInt64 { mix(acc ^ value) &+ 0x632B_E59B_D9B4_E019 }

    @inline(__always)
    public static func valueHash(_ v: Double) -> UInt64 {
        if v.isNaN { return 0x9E37_79B9_7F4A_7C15 }
        return mix((v == 0 ? 0.0 : v).bitPattern)
    }

    /// Text hashes agree with numbers written the same way, so "3" in one file matches 3 in another.
    public static func textHash(_ text: String) -> UInt64 {
        if let number = Double(text) { return valueHash(number) }
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return mix(h)
    }
}
