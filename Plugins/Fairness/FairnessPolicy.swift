import GateKit

/// `checks.fairness`: thresholds per fairlearn metric, how much worse than the baseline model a
/// metric may get, and the smallest group judged.
public struct FairnessPolicy: PolicySection {
    public struct MetricRule: Sendable, Equatable {
        public var metric: String
        /// Fails when the value is above (differences).
        public var fail: Double?
        /// Fails when the value is below (ratios).
        public var min: Double?
        public init(metric: String) { self.metric = metric }

        enum Key: String, CaseIterable { case fail, min }
    }

    public static let metricNames = [
        "demographic_parity_difference", "demographic_parity_ratio", "equalized_odds_difference",
        "equal_opportunity_difference", "disparate_impact_ratio",
        // Regression: the spread of groups' mean predictions and mean absolute errors.
        "mean_prediction_difference", "mae_difference",
    ]

    public var metrics: [MetricRule] = []
    public var maxIncrease = 0.02
    public var minGroupSize = 30
    public var intersections = false

    public init() {}

    enum Key: String, CaseIterable {
        case metrics, intersections
        case maxIncrease = "max_increase"
        case minGroupSize = "min_group_size"
    }

    public init(parsing node: ConfigNode, task: TaskKind) throws(ConfigurationError) {
        self.init()
        if node.isNull { return }
        for (key, value) in try node.fields(Key.self) {
            switch key {
            case .metrics:
                for (name, item) in try value.namedMapping() {
                    guard Self.metricNames.contains(name) else {
                        throw item.error("unknown fairness metric; known: \(Self.metricNames.joined(separator: ", "))")
                    }
                    var rule = MetricRule(metric: name)
                    if !item.isNull {
                        for (bound, limit) in try item.fields(MetricRule.Key.self) {
                            switch bound {
                            case .fail: rule.fail = try limit.double()
                            case .min: rule.min = try limit.double()
                            }
                        }
                    }
                    metrics.append(rule)
                }
            case .maxIncrease: maxIncrease = try value.double(in: 0...1e6)
            case .minGroupSize: minGroupSize = try value.int(in: 1...Int.max)
            case .intersections: intersections = try value.bool()
            }
        }
    }
}
