/// Bytes kept by key across runs, so that the gate never trains twice what it trained before.
///
/// Best effort: a cache that cannot read or write behaves as empty, never as an error.
public protocol ArtifactCache: Sendable {
    func load(_ key: String) -> [UInt8]?
    func store(_ key: String, _ bytes: [UInt8])
}

/// A 128-bit hex digest of a text, for cache file names. Not cryptographic: keys are built
/// from content hashes mlgate computed itself, so only accidental collisions matter.
public enum CacheKey {
    public static func digest(_ text: String) -> String {
        var a: UInt64 = 0xCBF2_9CE4_8422_2325, b: UInt64 = 0x8422_2325_CBF2_9CE4
        for byte in text.utf8 {
            a = Mixing.mix64(a ^ UInt64(byte))
            b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        b = Mixing.mix64(b ^ UInt64(text.utf8.count))
        return hex(a) + hex(b)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
