/// One plugin's part of the `checks:` policy: its type, its defaults and its parser live in the
/// plugin's folder, so a new setting touches nothing else.
public protocol PolicySection: Sendable, Equatable {
    /// The section with every default, when `checks:` does not name the plugin.
    init()
    /// The section as written; every key is checked, every error names its line.
    init(parsing node: ConfigNode, task: TaskKind) throws(ConfigurationError)
}

extension PolicySection {
    /// Equality across sections of unknown type (false for different types).
    func isEqual(to other: any PolicySection) -> Bool {
        guard let other = other as? Self else { return false }
        return self == other
    }
}

/// The `checks:` section: the policy, read from the baseline revision (SPEC §2 "Policy trust"),
/// one section per plugin plus `strict`.
public struct Policy: Sendable, Equatable {
    /// `checks.strict`: failures already present at the baseline fail too.
    public var strict = false
    private var sections: [String: any PolicySection] = [:]

    public init() {}

    /// `plugin`'s section, or its defaults when the policy has none.
    public func section<T: PolicySection>(_ type: T.Type, for plugin: String) -> T {
        sections[plugin] as? T ?? T()
    }

    public mutating func setSection(_ section: any PolicySection, for plugin: String) {
        sections[plugin] = section
    }

    public static func == (a: Policy, b: Policy) -> Bool {
        guard a.strict == b.strict, Set(a.sections.keys) == Set(b.sections.keys) else { return false }
        return a.sections.allSatisfy { name, section in b.sections[name].map { section.isEqual(to: $0) } ?? false }
    }
}
