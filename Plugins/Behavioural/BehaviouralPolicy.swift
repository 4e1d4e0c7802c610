import GateKit

/// `checks.behavioural`: the list of tests, each a directional, invariance or cases test.
public struct BehaviouralPolicy: PolicySection {
    public var tests: [BehaviouralTest] = []

    public init() {}

    public init(tests: [BehaviouralTest]) { self.tests = tests }

    public init(parsing node: ConfigNode, task: TaskKind) throws(ConfigurationError) {
        self.init()
        if node.isNull { return }
        for item in try node.sequence() {
            let test = try BehaviouralTest(parsing: item)
            guard !tests.contains(where: { $0.name == test.name }) else { throw item.error("two behavioural tests are named '\(test.name)'") }
            tests.append(test)
        }
    }
}

public struct BehaviouralTest: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case directional, invariance, cases }
    public enum Expectation: String, Sendable, CaseIterable { case nonDecreasing = "non_decreasing", nonIncreasing = "non_increasing" }
    public enum Change: Sendable, Equatable {
        case add(Double)
        case multiply(Double)
        case set(String)
        case replace([(from: String, to: String)])
        case shuffle

        public static func == (lhs: Change, rhs: Change) -> Bool {
            switch (lhs, rhs) {
            case let (.add(a), .add(b)), let (.multiply(a), .multiply(b)): a == b
            case let (.set(a), .set(b)): a == b
            case let (.replace(a), .replace(b)): a.count == b.count && zip(a, b).allSatisfy { $0 == $1 }
            case (.shuffle, .shuffle): true
            default: false
            }
        }

        enum Key: String, CaseIterable { case add, multiply, set, replace, shuffle }

        init(parsing node: ConfigNode) throws(ConfigurationError) {
            let members = try node.fields(Key.self)
            guard members.count == 1, let (key, value) = members.first else {
                throw node.error("give exactly one of add, multiply, set, replace, shuffle")
            }
            switch key {
            case .add: self = .add(try value.double())
            case .multiply: self = .multiply(try value.double())
            case .set: self = .set(try value.string())
            case .replace:
                var pairs: [(from: String, to: String)] = []
                for (from, to) in try value.namedMapping() { pairs.append((from, try to.string())) }
                self = .replace(pairs)
            case .shuffle:
                guard try value.bool() else { throw value.error("shuffle takes true") }
                self = .shuffle
            }
        }
    }

    public var name: String
    public var kind: Kind
    public var feature: String?
    public var change: Change?
    public var expect: Expectation?
    public var tolerance = 0.0
    public var file: String?
    public var minPassRate = 1.0

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    enum Key: String, CaseIterable {
        case name, kind, feature, change, expect, tolerance, file
        case minPassRate = "min_pass_rate"
    }

    init(parsing node: ConfigNode) throws(ConfigurationError) {
        let members = try node.fields(Key.self)
        guard let name = members.first(where: { $0.key == .name })?.node else { throw node.error("each behavioural test needs a 'name'") }
        guard let kind = members.first(where: { $0.key == .kind })?.node else {
            throw node.error("each behavioural test needs a 'kind' (directional, invariance or cases)")
        }
        self.init(name: try name.string(), kind: try kind.oneOf(Kind.self))
        for (key, value) in members {
            switch key {
            case .name, .kind: break   // read above: the rest depends on them
            case .feature: feature = try value.string()
            case .change: change = try Change(parsing: value)
            case .expect: expect = try value.oneOf(Expectation.self)
            case .tolerance: tolerance = try value.double(in: 0...1e12)
            case .file: file = try value.repositoryPath()
            case .minPassRate: minPassRate = try value.double(in: 0...1)
            }
        }
        switch self.kind {
        case .directional:
            guard feature != nil, change != nil, expect != nil else { throw node.error("a directional test needs 'feature', 'change' and 'expect'") }
        case .invariance:
            guard feature != nil, change != nil else { throw node.error("an invariance test needs 'feature' and 'change'") }
        case .cases:
            guard file != nil else { throw node.error("a cases test needs 'file' (a CSV of feature columns and the expected label)") }
        }
    }
}
