import GateKit

/// `checks.data-validation`: how far the data may move before the gate says so. Defaults here
/// are SPEC §2's.
public struct DataValidationPolicy: PolicySection {
    public var drift = DriftPolicy()
    public var maxNullIncrease = 0.05
    public var maxRowChange = 0.5

    public init() {}

    enum Key: String, CaseIterable {
        case drift
        case maxNullIncrease = "max_null_increase"
        case maxRowChange = "max_row_change"
    }

    public init(parsing node: ConfigNode, task: TaskKind) throws(ConfigurationError) {
        self.init()
        if node.isNull { return }
        for (key, value) in try node.fields(Key.self) {
            switch key {
            case .drift: drift = try DriftPolicy(parsing: value)
            case .maxNullIncrease: maxNullIncrease = try value.double(in: 0...1)
            case .maxRowChange: maxRowChange = try value.double(in: 0...1e6)
            }
        }
    }
}

/// `checks.data-validation.drift`: PSI thresholds and the values needed to judge.
public struct DriftPolicy: Sendable, Equatable {
    public var statistic = "psi"
    public var warn = 0.1
    public var fail = 0.25
    public var minRows = 100

    public init() {}

    enum Key: String, CaseIterable {
        case statistic, warn, fail
        case minRows = "min_rows"
    }

    init(parsing node: ConfigNode) throws(ConfigurationError) {
        for (key, value) in try node.fields(Key.self) {
            switch key {
            case .statistic:
                let statistic = try value.string()
                guard statistic == "psi" else { throw value.error("'\(statistic)' is not supported; drift is judged on psi (KS and chi-square p-values are reported)") }
                self.statistic = statistic
            case .warn: warn = try value.double(in: 0...100)
            case .fail: fail = try value.double(in: 0...100)
            case .minRows: minRows = try value.int(in: 1...Int.max)
            }
        }
        if warn > fail { throw node.error("warn (\(warn)) must not exceed fail (\(fail))") }
    }
}
