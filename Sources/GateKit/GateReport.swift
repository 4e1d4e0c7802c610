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

    public init(toolVersion: String, base: Revision, head: Revision, mergeBase: String, seed: UInt64,
                durationSeconds: Double, policy: PolicyInfo, plugins: [PluginResult],
                changedPaths: [String], command: String) {
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
    }

    /// The worst status of all checks.
    public var status: Status { Status.worst(plugins.map(\.status)) }

    /// 0 when the gate passed (pass, warn, skip), 1 when a check failed or could not be computed.
    public var exitCode: Int32 { status.failsGate ? 1 : 0 }

    public var allChecks: [CheckResult] { plugins.flatMap(\.checks) }

    /// Counts of checks by status.
    public func count(_ status: Status) -> Int { allChecks.filter { $0.status == status }.count }
}
