/// The spellings of a missing value: pandas' default `na_values`, so that null counts agree
/// with what a data scientist sees in a notebook.
enum MissingValues {
    private static let tokens: [[UInt8]] = [
        "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
        "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
    ].map { Array($0.utf8) }

    static func isMissing(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        if count == 0 { return true }
        if count > 8 { return false }
        let first = p[0]
        // Every token starts with one of these bytes; most values are rejected here.
        guard first == UInt8(ascii: "#") || first == UInt8(ascii: "-") || first == UInt8(ascii: "1")
            || first == UInt8(ascii: "<") || first == UInt8(ascii: "N") || first == UInt8(ascii: "n") else { return false }
        for token in tokens where token.count == count {
            if token.withUnsafeBufferPointer({ memcmp($0.baseAddress!, p, count) == 0 }) { return true }
        }
        return false
    }
}

@inline(__always)
func memcmp(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Int {
    for i in 0..<count where a[i] != b[i] { return Int(a[i]) - Int(b[i]) }
    return 0
}
