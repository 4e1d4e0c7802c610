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
    public var spark = SparkSettings()

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
    /// Entries that name a Spark source instead of a file, by `data:` key; their path above is
    /// the source's description, never read from git.
    public var spark: [String: SparkSource] = [:]

    public init(train: String, holdout: String? = nil, predictions: String? = nil) {
        self.train = train
        self.holdout = holdout
        self.predictions = predictions
    }

    /// The configured files in the repository by their `data:` key, in a fixed order (Spark
    /// sources left out).
    public var named: [(key: String, path: String)] {
        ([("train", train)] + [holdout.map { ("holdout", $0) }, predictions.map { ("predictions", $0) }].compactMap { $0 })
            .filter { spark[$0.key] == nil }
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

extension Configuration {
    /// Column types the configuration declares, as data files are read under it:
    /// `features.categorical`, then `schema:` types.
    public var declaredTypes: [String: ColumnKind] {
        var declared: [String: ColumnKind] = [:]
        for column in features.categorical { declared[column] = .categorical }
        for expectation in schema { if let type = expectation.type { declared[expectation.column] = type.columnKind } }
        return declared
    }
}
