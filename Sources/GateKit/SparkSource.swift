/// Where a Spark source's rows are, as `mlgate.yml` names them.
public struct SparkSource: Sendable, Equatable {
    public enum Location: Sendable, Equatable {
        /// A catalog table (`lake.features`), optionally at a version of a table format that has them.
        case table(String)
        /// A Parquet file or directory (`s3a://bucket/snapshot=2026-11-30/`).
        case parquet(String)
    }

    public var location: Location
    /// A Spark SQL predicate selecting the rows (`region = 'eu'`).
    public var predicate: String?
    /// Time travel (`versionAsOf`) for formats that keep versions (Delta, Iceberg).
    public var version: String?

    public init(location: Location, predicate: String? = nil, version: String? = nil) {
        self.location = location
        self.predicate = predicate
        self.version = version
    }

    /// How messages name it.
    public var description: String {
        let base = switch location {
        case .table(let name): "spark table \(name)" + (version.map { " version \($0)" } ?? "")
        case .parquet(let path): "spark parquet \(path)"
        }
        return base + (predicate.map { " where \($0)" } ?? "")
    }
}

/// The `spark:` section: where the Spark Connect server is and how long a query may take.
/// `remote` is honoured only from the baseline's configuration (or `MLGATE_SPARK_REMOTE`): a
/// PR must not point the gate at a server of its choosing.
public struct SparkSettings: Sendable, Equatable {
    public var remote: String?
    public var timeoutSeconds = 600
    /// Tables up to this many rows get exact percentiles; larger ones approximate ones.
    public var exactRows = 5_000_000

    public init() {}
}
