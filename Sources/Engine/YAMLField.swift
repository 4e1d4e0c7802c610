import Yams

/// A node of `mlgate.yml` with where it is, so that every error can name its line and key.
struct YAMLField {
    let node: Node
    let key: String
    let file: String

    var line: Int { node.mark?.line ?? 0 }

    func error(_ problem: String) -> ConfigurationError {
        ConfigurationError(file: file, line: line, key: key, problem: problem)
    }

    private func child(_ name: String, _ node: Node) -> YAMLField {
        YAMLField(node: node, key: key.isEmpty ? name : "\(key).\(name)", file: file)
    }

    var isNull: Bool {
        if case .scalar(let s) = node { return s.style == .plain && ["", "~", "null", "Null", "NULL"].contains(s.string) }
        return false
    }

    /// The members of a mapping, in file order; unknown or repeated keys are errors.
    func mapping(allowed: [String]) throws(ConfigurationError) -> [(name: String, field: YAMLField)] {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping of \(allowed.joined(separator: ", "))") }
        var seen = Set<String>()
        var members: [(String, YAMLField)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                throw YAMLField(node: keyNode, key: key, file: file).error("keys must be plain names")
            }
            let name = scalar.string
            let field = child(name, value)
            guard allowed.contains(name) else {
                let hint = Self.closest(to: name, in: allowed).map { "did you mean '\($0)'? " } ?? ""
                let at = YAMLField(node: keyNode, key: field.key, file: file)
                throw at.error("unknown key; \(hint)allowed here: \(allowed.joined(separator: ", "))")
            }
            guard seen.insert(name).inserted else { throw YAMLField(node: keyNode, key: field.key, file: file).error("key given twice") }
            members.append((name, field))
        }
        return members
    }

    /// The members of a mapping whose keys are user-chosen names (columns, metrics).
    func namedMapping() throws(ConfigurationError) -> [(name: String, field: YAMLField)] {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping") }
        var seen = Set<String>()
        var members: [(String, YAMLField)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else { throw error("keys must be plain names") }
            guard seen.insert(scalar.string).inserted else {
                throw YAMLField(node: keyNode, key: "\(key).\(scalar.string)", file: file).error("key given twice")
            }
            members.append((scalar.string, child(scalar.string, value)))
        }
        return members
    }

    func sequence() throws(ConfigurationError) -> [YAMLField] {
        guard case .sequence(let items) = node else { throw error("expected a list") }
        return items.enumerated().map { YAMLField(node: $1, key: "\(key)[\($0)]", file: file) }
    }

    func string() throws(ConfigurationError) -> String {
        guard case .scalar(let scalar) = node, !isNull else { throw error("expected a text value") }
        return scalar.string
    }

    func double() throws(ConfigurationError) -> Double {
        guard case .scalar(let scalar) = node, scalar.style == .plain, let value = Double(scalar.string), value.isFinite else {
            throw error("expected a number, found '\(scalarText)'")
        }
        return value
    }

    func double(in range: ClosedRange<Double>) throws(ConfigurationError) -> Double {
        let value = try double()
        guard range.contains(value) else { throw error("\(value) is outside \(range.lowerBound)…\(range.upperBound)") }
        return value
    }

    func int(in range: ClosedRange<Int> = Int.min...Int.max) throws(ConfigurationError) -> Int {
        guard case .scalar(let scalar) = node, scalar.style == .plain, let value = Int(scalar.string) else {
            throw error("expected a whole number, found '\(scalarText)'")
        }
        guard range.contains(value) else {
            throw error("\(value) is outside \(range.lowerBound)…\(range.upperBound == Int.max ? "" : String(range.upperBound))")
        }
        return value
    }

    func bool() throws(ConfigurationError) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { throw error("expected true or false") }
        switch scalar.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false, found '\(scalar.string)'")
        }
    }

    /// A list of texts; a single text is taken as a list of one.
    func strings() throws(ConfigurationError) -> [String] {
        if case .scalar = node { return isNull ? [] : [try string()] }
        var values: [String] = []
        for item in try sequence() { values.append(try item.string()) }
        return values
    }

    func oneOf<T: RawRepresentable & CaseIterable>(_ type: T.Type) throws(ConfigurationError) -> T where T.RawValue == String {
        let text = try string()
        guard let value = T(rawValue: text) else {
            throw error("'\(text)' is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    private var scalarText: String {
        if case .scalar(let scalar) = node { return scalar.string }
        return "a \(node.mapping != nil ? "mapping" : "list")"
    }

    /// The allowed name nearest to a misspelt one (edit distance ≤ 2).
    static func closest(to name: String, in allowed: [String]) -> String? {
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
