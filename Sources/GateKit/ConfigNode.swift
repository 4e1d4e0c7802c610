/// One node of `mlgate.yml`, with where it is, so that every error names its file, line and
/// key. The engine builds it from the YAML; each plugin reads its own `checks:` section from
/// it, so the plugins need no YAML library and share one set of rules and messages.
public struct ConfigNode: Sendable {
    public indirect enum Value: Sendable {
        /// A scalar's text; `plain` when unquoted (only plain scalars are numbers, booleans, null).
        case scalar(String, plain: Bool)
        case sequence([ConfigNode])
        /// Entries in file order, each key with its own line.
        case mapping([(key: String, line: Int, value: ConfigNode)])
    }

    public let value: Value
    public let line: Int
    /// The dotted path to this node (`checks.fairness.max_increase`).
    public let key: String
    public let file: String

    public init(value: Value, line: Int, key: String, file: String) {
        self.value = value
        self.line = line
        self.key = key
        self.file = file
    }

    public func error(_ problem: String) -> ConfigurationError {
        ConfigurationError(file: file, line: line, key: key, problem: problem)
    }

    public var isNull: Bool {
        if case .scalar(let text, true) = value { return ["", "~", "null", "Null", "NULL"].contains(text) }
        return false
    }

    // MARK: Mappings

    /// The members of a mapping keyed by `K`'s cases, in file order: an unknown key is an error
    /// with the nearest known one, a repeated key too. Callers switch over `K` exhaustively, so
    /// a key without a branch is a compile-time error, never a silent `default:`.
    public func fields<K: RawRepresentable & CaseIterable>(_ keys: K.Type) throws(ConfigurationError) -> [(key: K, node: ConfigNode)] where K.RawValue == String {
        let allowed = K.allCases.map(\.rawValue)
        var result: [(K, ConfigNode)] = []
        for (name, node) in try entries(allowed: allowed) { result.append((K(rawValue: name)!, node)) }
        return result
    }

    /// The members of a mapping whose keys are user-chosen names (columns, metrics, tests).
    public func namedMapping() throws(ConfigurationError) -> [(name: String, node: ConfigNode)] {
        try entries(allowed: nil)
    }

    private func entries(allowed: [String]?) throws(ConfigurationError) -> [(String, ConfigNode)] {
        guard case .mapping(let entries) = value else {
            throw error(allowed.map { "expected a mapping of \($0.joined(separator: ", "))" } ?? "expected a mapping")
        }
        var seen = Set<String>()
        var members: [(String, ConfigNode)] = []
        for (name, keyLine, node) in entries {
            let at = ConfigNode(value: .scalar(name, plain: true), line: keyLine, key: node.key, file: file)
            if let allowed, !allowed.contains(name) {
                let hint = Self.closest(to: name, in: allowed).map { "did you mean '\($0)'? " } ?? ""
                throw at.error("unknown key; \(hint)allowed here: \(allowed.joined(separator: ", "))")
            }
            guard seen.insert(name).inserted else { throw at.error("key given twice") }
            members.append((name, node))
        }
        return members
    }

    // MARK: Values

    public func sequence() throws(ConfigurationError) -> [ConfigNode] {
        guard case .sequence(let items) = value else { throw error("expected a list") }
        return items
    }

    public func string() throws(ConfigurationError) -> String {
        guard case .scalar(let text, _) = value, !isNull else { throw error("expected a text value") }
        return text
    }

    public func double() throws(ConfigurationError) -> Double {
        guard case .scalar(let text, true) = value, let number = Double(text), number.isFinite else {
            throw error("expected a number, found '\(scalarText)'")
        }
        return number
    }

    public func double(in range: ClosedRange<Double>) throws(ConfigurationError) -> Double {
        let number = try double()
        guard range.contains(number) else { throw error("\(number) is outside \(range.lowerBound)…\(range.upperBound)") }
        return number
    }

    public func int(in range: ClosedRange<Int> = Int.min...Int.max) throws(ConfigurationError) -> Int {
        guard case .scalar(let text, true) = value, let number = Int(text) else {
            throw error("expected a whole number, found '\(scalarText)'")
        }
        guard range.contains(number) else {
            throw error("\(number) is outside \(range.lowerBound)…\(range.upperBound == Int.max ? "" : String(range.upperBound))")
        }
        return number
    }

    public func bool() throws(ConfigurationError) -> Bool {
        guard case .scalar(let text, true) = value else { throw error("expected true or false") }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false, found '\(text)'")
        }
    }

    /// A list of texts; a single text is taken as a list of one.
    public func strings() throws(ConfigurationError) -> [String] {
        if case .scalar = value { return isNull ? [] : [try string()] }
        var values: [String] = []
        for item in try sequence() { values.append(try item.string()) }
        return values
    }

    public func oneOf<T: RawRepresentable & CaseIterable>(_ type: T.Type) throws(ConfigurationError) -> T where T.RawValue == String {
        let text = try string()
        guard let found = T(rawValue: text) else {
            throw error("'\(text)' is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return found
    }

    /// A path inside the repository, normalised (`./a//b` → `a/b`); absolute paths and paths
    /// that climb out with `..` are errors, since mlgate reads only what the revision holds.
    public func repositoryPath() throws(ConfigurationError) -> String {
        let raw = try string()
        guard !raw.hasPrefix("/"), !raw.hasPrefix("~") else {
            throw error("'\(raw)' is absolute; give a path relative to the repository root")
        }
        var parts: [Substring] = []
        for part in raw.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                guard !parts.isEmpty else { throw error("'\(raw)' leaves the repository; paths must stay inside it") }
                parts.removeLast()
            } else {
                parts.append(part)
            }
        }
        guard !parts.isEmpty else { throw error("'\(raw)' names no file") }
        return parts.joined(separator: "/")
    }

    private var scalarText: String {
        switch value {
        case .scalar(let text, _): text
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }

    /// The allowed name nearest to a misspelt one (edit distance ≤ 2).
    public static func closest(to name: String, in allowed: [String]) -> String? {
        let scored = allowed.map { ($0, editDistance(Array(name), Array($0))) }.min { $0.1 < $1.1 }
        guard let scored, scored.1 <= 2 else { return nil }
        return scored.0
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, ca) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, cb) in b.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
