/// How every number reads in messages and reports: one formatter, so the same value reads
/// the same in a check's message, the Markdown, the HTML and the terminal.
public enum NumberText {
    /// How many decimals a value keeps: `standard` (4 below 1, 3 below 100, 1 above) reads
    /// well for counts, shares and statistics; `fine` (5, 4, 2) for model metrics, whose
    /// changes that matter are often in the fourth decimal.
    public enum Precision: Sendable {
        case standard, fine

        func decimals(_ magnitude: Double) -> Int {
            switch self {
            case .standard: magnitude >= 100 ? 1 : magnitude >= 1 ? 3 : 4
            case .fine: magnitude >= 100 ? 2 : magnitude >= 1 ? 4 : 5
            }
        }
    }

    /// `0.1234`, `12.346`, `1234.6`, whole numbers without decimals; `—` for none, `NaN`, `∞`.
    public static func number(_ value: Double?, _ precision: Precision = .standard) -> String {
        guard let value else { return "—" }
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "∞" : "−∞") }
        if value == value.rounded(), abs(value) < 1e12 { return String(Int64(value)) }
        var text = fixed(value, decimals: precision.decimals(abs(value)))
        while text.contains("."), text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// A share as a percentage with up to two decimals: `12.34%`.
    public static func percent(_ fraction: Double) -> String {
        number((fraction * 10_000).rounded() / 100) + "%"
    }

    /// A relative change with its sign and one decimal: `+12.3%`, `-4%`.
    public static func signedPercent(_ fraction: Double) -> String {
        let value = (fraction * 1000).rounded() / 10
        return (fraction > 0 ? "+" : "") + number(value) + "%"
    }

    /// Fixed-point text without Foundation's locale-dependent formatting.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e18 else { return "\(value)" }
        let units = Int64(scaled), whole = units / Int64(scale)
        var fraction = String(units - whole * Int64(scale))
        fraction = String(repeating: "0", count: max(0, decimals - fraction.count)) + fraction
        return (value < 0 && units != 0 ? "-" : "") + "\(whole)" + (decimals > 0 ? "." + fraction : "")
    }
}
