/// The typed content of one revision's `mlgate.yml` (SPEC §2).
public struct Configuration: Sendable, Equatable {
    public static let supportedVersion = 1

    public var version = 1
    public var task: TaskKind = .binary
    public var target: String
    /// The favourable label value for binary tasks; nil means 1, true or yes when present.
    public var positive: String?
    public var seed: UInt64 = 0
    public var data: DataPaths
    public var features = Features()
    /// Per-column expectations, in the order the file lists them.
    public var schema: [ColumnExpectation] = []
    public var model = ModelSpec()
    public var checks = Policy()
    public var plugins: [ExternalPluginSpec] = []

    public init(target: String, data: DataPaths) {
        self.target = target
        self.data = data
    }

    /// The expectation declared for `column`, if any.
    public func expectation(for column: String) -> ColumnExpectation? {
        schema.first { $0.column == column }
    }

    /// Columns the schema declares `datetime`.
    public var datetimeColumns: [String] { schema.filter { $0.type == .datetime }.map(\.column) }
}

public enum TaskKind: String, Sendable, CaseIterable {
    case binary, multiclass, regression
}

/// Repository paths of the data files of one revision.
public struct DataPaths: Sendable, Equatable {
    public var train: String
    public var holdout: String?
    public var predictions: String?

    public init(train: String, holdout: String? = nil, predictions: String? = nil) {
        self.train = train
        self.holdout = holdout
        self.predictions = predictions
    }

    /// The configured files by their `data:` key, in a fixed order.
    public var named: [(key: String, path: String)] {
        [("train", train)] + [holdout.map { ("holdout", $0) }, predictions.map { ("predictions", $0) }].compactMap { $0 }
    }
}

public struct Features: Sendable, Equatable {
    public var ignore: [String] = []
    public var categorical: [String] = []
    public var protected: [String] = []
    public var useProtected: [String] = []
    public init() {}
}

/// A column's declared type in `schema:`. `datetime` columns are read as text and checked to
/// hold dates or timestamps; they are never a model input as they are (a timestamp does not
/// recur in new data), and their drift and categories are not judged (time moves on by design).
public enum SchemaType: String, Sendable, CaseIterable {
    case numeric, categorical, boolean, datetime

    /// How the reader stores the column.
    public var columnKind: ColumnKind {
        switch self {
        case .numeric: .numeric
        case .categorical, .datetime: .categorical
        case .boolean: .boolean
        }
    }
}

public struct ColumnExpectation: Sendable, Equatable {
    public var column: String
    public var type: SchemaType?
    public var min: Double?
    public var max: Double?
    public var maxNullFraction: Double?
    public var values: [String]?

    public init(column: String) { self.column = column }
}

public enum ModelKind: String, Sendable, CaseIterable {
    case gbdt, logistic, linear
}

public struct ModelSpec: Sendable, Equatable {
    public var kind: ModelKind = .gbdt
    public var trees = 100
    public var leaves = 31
    public var learningRate = 0.1
    public var maxBins = 255
    public var minSamplesLeaf = 20
    public var l2 = 0.0
    public var subsample = 1.0
    public var colsample = 1.0
    /// Inverse L2 strength of logistic regression (scikit-learn's `C`).
    public var c = 1.0
    /// L2 strength of ridge regression (scikit-learn's `alpha`).
    public var alpha = 1.0
    /// Train on a seeded stratified sample of at most this many rows; nil chooses from memory.
    public var sampleRows: Int?
    public init() {}
}

/// The `checks:` section: the policy, read from the baseline revision (SPEC §2 "Policy trust").
public struct Policy: Sendable, Equatable {
    public var dataValidation = DataValidationPolicy()
    public var modelEvaluation = ModelEvaluationPolicy()
    public var behavioural: [BehaviouralTest] = []
    public var fairness = FairnessPolicy()
    public var strict = false
    public init() {}
}

public struct DataValidationPolicy: Sendable, Equatable {
    public var drift = DriftPolicy()
    public var maxNullIncrease = 0.05
    public var maxRowChange = 0.5
    public init() {}
}

public struct DriftPolicy: Sendable, Equatable {
    public var statistic = "psi"
    public var warn = 0.1
    public var fail = 0.25
    public var minRows = 100
    public init() {}
}

public struct ModelEvaluationPolicy: Sendable, Equatable {
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
}

public struct FairnessPolicy: Sendable, Equatable {
    public struct MetricRule: Sendable, Equatable {
        public var metric: String
        /// Fails when the value is above (differences).
        public var fail: Double?
        /// Fails when the value is below (ratios).
        public var min: Double?
        public init(metric: String) { self.metric = metric }
    }

    public static let metricNames = [
        "demographic_parity_difference", "demographic_parity_ratio", "equalized_odds_difference",
        "equal_opportunity_difference", "disparate_impact_ratio",
    ]

    public var metrics: [MetricRule] = []
    public var maxIncrease = 0.02
    public var minGroupSize = 30
    public var intersections = false
    public init() {}
}

/// An external check program (SPEC §6).
public struct ExternalPluginSpec: Sendable, Equatable {
    public var name: String
    public var command: [String]
    public var timeout: Double = 60
    /// The plugin's own settings (`config:` in its entry), handed to it as JSON.
    public var config: JSONValue = .object([])
    public init(name: String, command: [String]) {
        self.name = name
        self.command = command
    }
}
