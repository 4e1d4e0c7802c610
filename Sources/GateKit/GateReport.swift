/// The complete outcome of one gate run: the model every report writer renders.
public struct GateReport: Sendable, Equatable {
    public struct Revision: Sendable, Equatable {
        public var rev: String
        public var commit: String
        public init(rev: String, commit: String) {
            self.rev = rev
            self.commit = commit
        }
    }

    public struct PolicyInfo: Sendable, Equatable {
        /// Which revision's `checks:` section was applied: `baseline` or `head`.
        public var source: String
        public var changed: Bool
        public init(source: String, changed: Bool) {
            self.source = source
            self.changed = changed
        }
    }

    public static let schema = "mlgate.report/v1"

    public var toolName = "mlgate"
    public var toolVersion: String
    public var base: Revision
    public var head: Revision
    public var mergeBase: String
    public var seed: UInt64
    public var durationSeconds: Double
    public var policy: PolicyInfo
    public var plugins: [PluginResult]
    /// Paths that differ between the merge-base and head.
    public var changedPaths: [String]
    /// The command line that reproduces this run.
    public var command: String
    /// `I/N` when this report is one shard of a run split across a CI matrix.
    public var shard: String?
    /// Every plugin of the whole run in report order (set on shards, so a merge can restore it).
    public var pluginOrder: [String]?
    /// The configuration's path, where annotations of checks without a file of their own point.
    public var configPath = "mlgate.yml"

    public init(toolVersion: String, base: Revision, head: Revision, mergeBase: String, seed: UInt64,
                durationSeconds: Double, policy: PolicyInfo, plugins: [PluginResult],
                changedPaths: [String], command: String, shard: String? = nil, pluginOrder: [String]? = nil) {
        self.toolVersion = toolVersion
        self.base = base
        self.head = head
        self.mergeBase = mergeBase
        self.seed = seed
        self.durationSeconds = durationSeconds
        self.policy = policy
        self.plugins = plugins
        self.changedPaths = changedPaths
        self.command = command
        self.shard = shard
        self.pluginOrder = pluginOrder
    }

    /// Joins the reports of a run's shards into the report the unsharded run writes.
    ///
    /// - Throws: `MergeError` when the reports are not shards of one run.
    public static func merging(_ shards: [GateReport]) throws(MergeError) -> GateReport {
        guard var merged = shards.first else { throw .noReports }
        for other in shards.dropFirst() {
            guard other.base == merged.base, other.head == merged.head, other.mergeBase == merged.mergeBase,
                  other.seed == merged.seed, other.toolVersion == merged.toolVersion else {
                throw .differentRuns(merged.shard ?? "first", other.shard ?? "another")
            }
        }
        let counts = Set(shards.compactMap { $0.shard?.split(separator: "/").last.map(String.init) })
        let indices = shards.compactMap { $0.shard?.split(separator: "/").first.map(String.init) }
        if let count = counts.first.flatMap(Int.init), counts.count == 1 {
            let missing = (1...count).map(String.init).filter { !indices.contains($0) }
            guard missing.isEmpty else { throw .missingShards(missing.map { "\($0)/\(count)" }) }
            guard indices.count == count else { throw .duplicateShards }
        }
        let order = shards.compactMap(\.pluginOrder).first ?? []
        var plugins = shards.flatMap(\.plugins)
        plugins.sort { a, b in (order.firstIndex(of: a.name) ?? Int.max, a.name) < (order.firstIndex(of: b.name) ?? Int.max, b.name) }
        merged.plugins = plugins
        merged.durationSeconds = shards.map(\.durationSeconds).max() ?? 0
        merged.shard = nil
        merged.pluginOrder = nil
        return merged
    }

    public enum MergeError: Error, Equatable, CustomStringConvertible {
        case noReports
        case differentRuns(String, String)
        case missingShards([String])
        case duplicateShards

        public var description: String {
            switch self {
            case .noReports: "no reports to merge"
            case .differentRuns(let a, let b): "shard \(a) and shard \(b) are not of the same run (base, head, merge-base, seed or mlgate version differ)"
            case .missingShards(let missing): "shard\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")) missing: merge every shard's JSON report"
            case .duplicateShards: "a shard is given twice"
            }
        }
    }

    /// The worst status of all checks.
    public var status: Status { Status.worst(plugins.map(\.status)) }

    /// 0 when the gate passed (pass, warn, skip), 1 when a check failed or could not be computed.
    public var exitCode: Int32 { status.failsGate ? 1 : 0 }

    public var allChecks: [CheckResult] { plugins.flatMap(\.checks) }

    /// Counts of checks by status.
    public func count(_ status: Status) -> Int { allChecks.filter { $0.status == status }.count }
}
