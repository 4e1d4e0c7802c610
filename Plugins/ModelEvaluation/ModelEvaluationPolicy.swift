import GateKit
import Training

/// `checks.model-evaluation`: which metrics judge the candidate, and by how much it may trail
/// the baseline model. Defaults here are SPEC §2's (metrics and primary by task).
public struct ModelEvaluationPolicy: PolicySection {
    /// nil: the task's defaults.
    public var metrics: [String]?
    public var primary: String?
    /// nil when the configuration does not say: no minimum.
    public var min: [MetricBound]?
    /// nil when the configuration does not say: the primary metric may drop by 0.01.
    public var maxDrop: [MetricBound]?
    public var bootstrap = 1000
    public var slices: [String] = []

    public init() {}

    enum Key: String, CaseIterable {
        case metrics, primary, min, bootstrap, slices
        case maxDrop = "max_drop"
    }

    public init(parsing node: ConfigNode, task: TaskKind) throws(ConfigurationError) {
        self.init()
        if node.isNull { return }
        for (key, value) in try node.fields(Key.self) {
            switch key {
            case .metrics:
                var metrics: [String] = []
                for item in try value.strings() { metrics.append(try Self.metric(value, item)) }
                self.metrics = metrics
            case .primary: primary = try Self.metric(value, try value.string())
            case .min: min = try Self.bounds(value)
            case .maxDrop: maxDrop = try Self.bounds(value)
            case .bootstrap: bootstrap = try value.int(in: 0...1_000_000)
            case .slices: slices = try value.strings()
            }
        }
    }

    static func bounds(_ node: ConfigNode) throws(ConfigurationError) -> [MetricBound] {
        var bounds: [MetricBound] = []
        for (name, item) in try node.namedMapping() { bounds.append(MetricBound(metric: try metric(item, name), value: try item.double())) }
        return bounds
    }

    static func metric(_ node: ConfigNode, _ name: String) throws(ConfigurationError) -> String {
        let names = WeightedMetrics.Name.allCases.map(\.rawValue)
        guard names.contains(name) else {
            let hint = ConfigNode.closest(to: name, in: names).map { "did you mean '\($0)'? " } ?? ""
            throw node.error("unknown metric '\(name)'; \(hint)known: \(names.joined(separator: ", "))")
        }
        return name
    }
}

/// A threshold on a named metric, kept in file order for deterministic reports.
public struct MetricBound: Sendable, Equatable {
    public var metric: String
    public var value: Double
    public init(metric: String, value: Double) {
        self.metric = metric
        self.value = value
    }
}
