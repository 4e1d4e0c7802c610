/// Recognises dates and timestamps written as data exports write them: ISO 8601
/// (`2026-12-03`, `2026-12-03T07:37:35.120Z`, `2026-12-03 07:37:35+01:00`), slashes and dots
/// (`2026/12/03`, `03/12/2026`, `12/03/2026 7:37 PM`, `03.12.2026`), and month names
/// (`3 Dec 2026`, `Dec 3, 2026`, `03-Dec-2026 07:37`). Fields are range-checked (month 1–12,
/// day 1–31, hour 0–23, minute and second 0–59), so numbers and codes are not taken for dates.
public enum DateTimeText {
    public static func isDateTime(_ text: some StringProtocol) -> Bool {
        var scanner = Scanner(Array(text.utf8))
        scanner.skipSpaces()
        guard scanner.date() else { return false }
        let beforeTime = scanner.position
        if scanner.take("T") || scanner.skipSpaces() {
            if !scanner.time() {
                scanner.position = beforeTime
            }
        }
        scanner.skipSpaces()
        return scanner.atEnd
    }

    private struct Scanner {
        let bytes: [UInt8]
        var position = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { position == bytes.count }
        var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        @discardableResult
        mutating func skipSpaces() -> Bool {
            let start = position
            while let c = current, c == 0x20 || c == 0x09 { position += 1 }
            return position > start
        }

        mutating func take(_ character: Character) -> Bool {
            guard let c = current, c == character.asciiValue! else { return false }
            position += 1
            return true
        }

        /// 1…`maxDigits` digits as a number.
        mutating func number(minDigits: Int = 1, maxDigits: Int) -> Int? {
            var value = 0, digits = 0
            while digits < maxDigits, let c = current, c >= 0x30, c <= 0x39 {
                value = value * 10 + Int(c - 0x30)
                digits += 1
                position += 1
            }
            return digits >= minDigits ? value : nil
        }

        mutating func month() -> Int? {
            let start = position
            var letters: [UInt8] = []
            while let c = current, (c | 0x20) >= 0x61, (c | 0x20) <= 0x7A { letters.append(c | 0x20); position += 1 }
            let names = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
            let word = String(decoding: letters, as: UTF8.self)
            let full = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
            if let i = names.firstIndex(of: word) ?? full.firstIndex(of: word) ?? (word == "sept" ? 8 : nil) {
                _ = take(".")
                return i + 1
            }
            position = start
            return nil
        }

        mutating func date() -> Bool {
            let start = position
            // Year first: 2026-12-03, 2026/12/03, 2026.12.03.
            if let year = number(minDigits: 4, maxDigits: 4), let separator = current, [0x2D, 0x2F, 0x2E].contains(separator) {
                position += 1
                if let month = number(maxDigits: 2), take(Character(UnicodeScalar(separator))), let day = number(maxDigits: 2),
                   valid(year: year, month: month, day: day) { return true }
            }
            position = start
            // Day or month first: 03/12/2026, 12/03/2026, 03.12.2026, 03-12-2026, 03-Dec-2026.
            if let first = number(maxDigits: 2), let separator = current, [0x2D, 0x2F, 0x2E].contains(separator) {
                position += 1
                let sep = Character(UnicodeScalar(separator))
                if let name = month(), take(sep) || take(" "), let year = number(minDigits: 4, maxDigits: 4) {
                    return valid(year: year, month: name, day: first)
                }
                if let second = number(maxDigits: 2), take(sep), let year = number(minDigits: 4, maxDigits: 4) {
                    return valid(year: year, month: second, day: first) || valid(year: year, month: first, day: second)
                }
            }
            position = start
            // 3 Dec 2026
            if let day = number(maxDigits: 2), skipSpaces(), let name = month(), skipSpaces(), let year = number(minDigits: 4, maxDigits: 4) {
                return valid(year: year, month: name, day: day)
            }
            position = start
            // Dec 3, 2026
            if let name = month(), skipSpaces(), let day = number(maxDigits: 2) {
                _ = take(",")
                skipSpaces()
                if let year = number(minDigits: 4, maxDigits: 4) { return valid(year: year, month: name, day: day) }
            }
            position = start
            return false
        }

        mutating func time() -> Bool {
            guard let hour = number(maxDigits: 2), take(":"), let minute = number(minDigits: 2, maxDigits: 2), minute < 60 else { return false }
            if take(":") {
                guard let second = number(minDigits: 2, maxDigits: 2), second <= 60 else { return false }
                if take(".") || take(",") { guard number(maxDigits: 9) != nil else { return false } }
            }
            let afterClock = position
            skipSpaces()
            if let c = current, (c | 0x20) == 0x61 || (c | 0x20) == 0x70 {   // AM / PM
                position += 1
                guard let m = current, (m | 0x20) == 0x6D else { return false }
                position += 1
                return (1...12).contains(hour)
            }
            position = afterClock
            guard hour < 24 else { return false }
            skipSpaces()
            if take("Z") { return true }
            if let c = current, c == 0x2B || c == 0x2D {   // +01:00, -0500, +01
                position += 1
                guard let zone = number(minDigits: 2, maxDigits: 4) else { return false }
                if zone <= 23, take(":") { return number(minDigits: 2, maxDigits: 2) != nil }
                return true
            }
            let zoneStart = position
            var letters = 0
            while let c = current, c >= 0x41, c <= 0x5A { letters += 1; position += 1 }   // UTC, GMT, CET
            if letters < 2 || letters > 4 { position = zoneStart }
            return true
        }

        func valid(year: Int, month: Int, day: Int) -> Bool {
            (1...12).contains(month) && (1...31).contains(day) && (1000...9999).contains(year)
        }
    }
}
