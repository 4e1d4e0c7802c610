import Foundation

/// Parses decimal numbers straight from bytes, without building a String.
///
/// Uses Clinger's fast path (exact when the decimal significand has at most 15 digits that
/// fit 2^53 and the power of ten is at most 22) and falls back to `strtod` otherwise, so every
/// result is the correctly rounded double, as pandas' and Python's parsers give.
enum NumberParsing {
    /// 10^e for 0 ≤ e ≤ 22, all exact in a double. A switch, not a static array: a global
    /// would be checked for lazy initialisation on every number parsed.
    @inline(__always)
    private static func powerOfTen(_ e: Int) -> Double {
        switch e {
        case 0: 1e0; case 1: 1e1; case 2: 1e2; case 3: 1e3; case 4: 1e4; case 5: 1e5; case 6: 1e6; case 7: 1e7
        case 8: 1e8; case 9: 1e9; case 10: 1e10; case 11: 1e11; case 12: 1e12; case 13: 1e13; case 14: 1e14
        case 15: 1e15; case 16: 1e16; case 17: 1e17; case 18: 1e18; case 19: 1e19; case 20: 1e20; case 21: 1e21
        default: 1e22
        }
    }

    static func parse(_ p: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        guard count > 0 else { return nil }
        var i = 0
        var negative = false
        if p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+") {
            negative = p[0] == UInt8(ascii: "-")
            i = 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var significant = 0
        var exponent = 0
        var sawDigit = false
        while i < count, case let d = p[i] &- 48, d < 10 {
            sawDigit = true
            if mantissa != 0 || d != 0 { significant += 1 }
            if significant <= 19 { mantissa = mantissa &* 10 &+ UInt64(d) } else { exponent += 1 }
            digits += 1
            i += 1
        }
        if i < count, p[i] == UInt8(ascii: ".") {
            i += 1
            while i < count, case let d = p[i] &- 48, d < 10 {
                sawDigit = true
                if mantissa != 0 || d != 0 { significant += 1 }
                if significant <= 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    exponent -= 1
                }
                i += 1
            }
        }
        guard sawDigit else { return special(p, count) }
        if i < count, p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
            i += 1
            var expNegative = false
            if i < count, p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+") {
                expNegative = p[i] == UInt8(ascii: "-")
                i += 1
            }
            var e = 0
            var expDigits = 0
            while i < count, case let d = p[i] &- 48, d < 10 {
                if e < 100_000 { e = e * 10 + Int(d) }
                expDigits += 1
                i += 1
            }
            guard expDigits > 0 else { return nil }
            exponent += expNegative ? -e : e
        }
        guard i == count else { return nil }
        if significant <= 15, mantissa < (1 << 53), abs(exponent) <= 22 {
            var value = Double(mantissa)
            value = exponent < 0 ? value / powerOfTen(-exponent) : value * powerOfTen(exponent)
            return negative ? -value : value
        }
        return slowPath(p, count)
    }

    private static func slowPath(_ p: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { buffer in
            for k in 0..<count { buffer[k] = CChar(bitPattern: p[k]) }
            buffer[count] = 0
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(buffer.baseAddress!, &end)
            return end == buffer.baseAddress! + count ? value : nil
        }
    }

    /// `inf`, `-inf`, `Infinity`: numbers that pandas also reads as numbers.
    private static func special(_ p: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        guard count <= 9 else { return nil }
        let text = String(decoding: UnsafeBufferPointer(start: p, count: count), as: UTF8.self).lowercased()
        switch text {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: return nil
        }
    }
}
