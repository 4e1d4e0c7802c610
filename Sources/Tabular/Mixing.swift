/// SplitMix64's finaliser (Steele, Lea & Flood 2014): spreads every input bit over the
/// output, so that hashes of similar values (consecutive codes, nearby doubles) look unrelated.
/// Shared by row fingerprints, distinct counting and the sketches' seeded coins.
public enum Mixing {
    @inline(__always)
    public static func mix64(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
