import Foundation

/// A family of checks run against the baseline and the head of a pull request.
///
/// A plugin reads everything it judges from the context and returns its checks; it never
/// throws: what it cannot compute becomes a check with status `error` and the reason, so one
/// broken check cannot hide the others.
public protocol Plugin: Sendable {
    /// Its part of the `checks:` policy (`checks.<name>`): type, defaults and parser.
    associatedtype Settings: PolicySection

    /// The id prefix of every check (`data-validation`), and its key under `checks:`.
    var name: String { get }
    /// One line on what the plugin judges, for `mlgate plugins`.
    var summary: String { get }
    /// The checks it can produce, for `mlgate plugins` and the docs.
    var catalog: [CheckDescription] { get }

    /// What the engine must provide under these settings (models, files the policy names).
    func needs(_ settings: Settings) -> PluginNeeds

    /// Whether the plugin will read the baseline's data files in this run, asked before any is
    /// read. A plugin that finds what it needs of main's side in the cache says no; the engine
    /// then leaves the baseline's files unread unless some plugin asks for them after all.
    func readsBaselineData(_ probe: BaselineProbe) -> Bool

    func run(_ context: PluginContext) -> [CheckResult]
}

/// What a plugin may consult before the baseline's data files are read: both configurations,
/// the content ids of the baseline's data files and the cache.
public struct BaselineProbe: Sendable {
    /// Head's configuration and the baseline's (nil when it has none), under the trusted policy.
    public let head: Configuration
    public let baseline: Configuration?
    /// The baseline's data files' content ids by `data:` key (git's blob id), as
    /// `Side.contentHashes` will hold them; a file missing here is absent or unreadable.
    public let baselineContentHashes: [String: String]
    public let cache: (any ArtifactCache)?
    public let seed: UInt64

    public init(head: Configuration, baseline: Configuration?, baselineContentHashes: [String: String],
                cache: (any ArtifactCache)?, seed: UInt64) {
        self.head = head
        self.baseline = baseline
        self.baselineContentHashes = baselineContentHashes
        self.cache = cache
        self.seed = seed
    }
}

/// What one kind of check judges, described once next to its code, with the fixture scenarios
/// that show it at work: at least one where it must catch something and one where it must not.
/// One generic test runs them all (`CatalogTests`).
public struct CheckDescription: Sendable, Equatable {
    /// The id after the plugin's name; `COL`, `METRIC`, `NAME`, `ATTRIBUTE` or `VALUE` stand
    /// for the subject.
    public let id: String
    public let summary: String
    public let examples: [CheckExample]

    public init(_ id: String, _ summary: String, examples: [CheckExample] = []) {
        self.id = id
        self.summary = summary
        self.examples = examples
    }
}

/// One expectation on a fixture scenario (`fixtures/NAME`): the check `id` (after the plugin's
/// name, subject filled in) ends with `status` there, or is not reported at all (`nil`).
public struct CheckExample: Sendable, Equatable {
    public let scenario: String
    public let id: String
    public let status: Status?

    public init(_ scenario: String, _ id: String, _ status: Status?) {
        self.scenario = scenario
        self.id = id
        self.status = status
    }

    /// The check catches something here (anything but a pass or silence).
    public var triggers: Bool { status != nil && status != .pass }
}

/// One revision as the plugins see it: its configuration and the files read at it.
public struct Side: Sendable {
    public enum Role: String, Sendable { case baseline, head }

    public let role: Role
    /// What the user named (`origin/main`, `HEAD`, `worktree`).
    public let revision: String
    /// The commit id; for `--worktree`, the commit HEAD names, with the files as on disk.
    public let commit: String
    /// This side's `mlgate.yml`; nil when the revision has none.
    public let configuration: Configuration?
    /// Parsed data files by their `data:` key (`train`, `holdout`), read on first use; absent
    /// when the file is.
    public let data: SideData
    /// Raw bytes of the other files checks read at this side (behavioural cases), by path.
    public let files: [String: [UInt8]]
    /// A content hash of each data file by its `data:` key (git's blob id), for cache keys.
    public let contentHashes: [String: String]
    /// Data files larger than memory allows, by `data:` key: left on disk for plugins that can
    /// stream them. `tables` then holds a seeded sample of the file's rows instead.
    public let streamed: [String: StreamedFile]
    /// Data entries that name a table in a compute engine (Spark), by `data:` key: the data
    /// checks ask them for statistics; `tables` holds a seeded sample for the models.
    public let remote: [String: any RemoteTable]

    public init(role: Role, revision: String, commit: String, configuration: Configuration?,
                tables: [String: Table], files: [String: [UInt8]], contentHashes: [String: String] = [:],
                streamed: [String: StreamedFile] = [:]) {
        self.init(role: role, revision: revision, commit: commit, configuration: configuration, data: SideData(tables), files: files,
                  contentHashes: contentHashes, streamed: streamed)
    }

    public init(role: Role, revision: String, commit: String, configuration: Configuration?,
                data: SideData, files: [String: [UInt8]], contentHashes: [String: String] = [:],
                streamed: [String: StreamedFile] = [:], remote: [String: any RemoteTable] = [:]) {
        self.streamed = streamed
        self.remote = remote
        self.role = role
        self.revision = revision
        self.commit = commit
        self.configuration = configuration
        self.data = data
        self.files = files
        self.contentHashes = contentHashes
    }

    /// `data/train.csv@a1b2c3d4`: how messages name a file at this side.
    public func label(_ path: String) -> String { "\(path)@\(commit.prefix(8))" }

    /// The data file under `key`, read now if it was not yet.
    public func table(_ key: String) -> Table? { data.table(key) }
    /// Every data file, each read now if it was not yet.
    public var tables: [String: Table] { data.all }
    public var train: Table? { data.table("train") }
    public var holdout: Table? { data.table("holdout") }
}

/// A CSV, TSV or Parquet data file on disk (a Git LFS object, a DVC cache file or a working-tree
/// file) too large to read whole.
public struct StreamedFile: Sendable {
    public let path: String
    /// How messages name it (`data/train.csv@a1b2c3d4`).
    public let label: String
    public let format: StreamedFormat
    /// Column types the configuration fixes, as the in-memory reader is given them.
    public let declared: [String: ColumnKind]
    public let bytes: Int
    /// Rows in the whole file, and in the sample `Side.tables` holds.
    public let rows: Int
    public let sampledRows: Int

    public init(path: String, label: String, format: StreamedFormat, declared: [String: ColumnKind], bytes: Int, rows: Int, sampledRows: Int) {
        self.path = path
        self.label = label
        self.format = format
        self.declared = declared
        self.bytes = bytes
        self.rows = rows
        self.sampledRows = sampledRows
    }
}

/// Everything a plugin may use: both sides, the trusted policy, and the run's settings.
public struct PluginContext: Sendable {
    public let baseline: Side
    public let head: Side
    /// The `checks:` section in force (the baseline's, unless the change was allowed).
    public let policy: Policy
    /// The files the policy names (behavioural cases files), by path, from the same trusted
    /// side as the policy: a PR cannot change what its model is tested against.
    public let policyFiles: [String: [UInt8]]
    public let seed: UInt64
    /// Threads a plugin may use; results must not depend on it.
    public let jobs: Int
    /// The memory the run may use: how large a sample models train on when `model.sample_rows`
    /// does not say.
    public let memory: MemoryBudget

    /// Where expensive results (trained baseline models) outlive the run; nil with `--no-cache`.
    public let cache: (any ArtifactCache)?
    /// Work plugins share within this run (the trained and scored models).
    public let shared: SharedWork
    /// Progress for the person watching (stderr); never part of a report, which must not
    /// depend on what the cache held.
    public let log: @Sendable (String) -> Void
    /// Transient progress inside a long step (tree 37 of 100): shown in place on a terminal,
    /// dropped otherwise, so logs keep one line per step.
    public let status: @Sendable (String) -> Void
    /// Reports a data file the plugin found malformed while reading it itself (a streamed file
    /// is parsed only then): the gate stops with exit 2 and this message, as it does for a file
    /// it reads whole, rather than judging checks on half a file.
    public let malformedInput: @Sendable (TabularError) -> Void

    public init(baseline: Side, head: Side, policy: Policy, policyFiles: [String: [UInt8]] = [:], seed: UInt64, jobs: Int,
                memory: MemoryBudget = .current(),
                cache: (any ArtifactCache)? = nil, shared: SharedWork = SharedWork(),
                log: @escaping @Sendable (String) -> Void = { _ in }, status: @escaping @Sendable (String) -> Void = { _ in },
                malformedInput: @escaping @Sendable (TabularError) -> Void = { _ in }) {
        self.malformedInput = malformedInput
        self.baseline = baseline
        self.head = head
        self.policy = policy
        self.policyFiles = policyFiles
        self.seed = seed
        self.jobs = jobs
        self.memory = memory
        self.cache = cache
        self.shared = shared
        self.log = log
        self.status = status
    }
}

/// What a plugin needs the engine to provide, declared rather than known by its name.
public struct PluginNeeds: Sendable, Equatable {
    /// The run's trained candidate and baseline models: the engine keeps a sample of a file too
    /// large for memory for them, and a shard keeps every plugin that needs them together, since
    /// they share the models.
    public var models: Bool
    /// Repository files the policy names that the plugin reads (cases files): the engine reads
    /// them from the trusted side only, and a PR that changes one changes the policy.
    public var files: [String]

    public init(models: Bool = false, files: [String] = []) {
        self.models = models
        self.files = files
    }

    /// Plugins of one share group run in the same shard.
    public var shareGroup: String? { models ? "models" : nil }
}

extension Plugin {
    /// By default a plugin needs nothing beyond the data.
    public func needs(_ settings: Settings) -> PluginNeeds { PluginNeeds() }

    /// By default a plugin reads both sides' data.
    public func readsBaselineData(_ probe: BaselineProbe) -> Bool { true }

    /// This plugin's section of `policy` (its defaults when the policy has none).
    public func settings(_ policy: Policy) -> Settings { policy.section(Settings.self, for: name) }

    /// What the engine must provide under `policy`.
    public func needs(in policy: Policy) -> PluginNeeds { needs(settings(policy)) }

    /// Parses `checks.<name>` (nil: not given, the defaults).
    public func parseSettings(_ node: ConfigNode?, task: TaskKind) throws(ConfigurationError) -> any PolicySection {
        guard let node else { return Settings() }
        return try Settings(parsing: node, task: task)
    }
}

/// Work one plugin does that others reuse within a run (the trained models and their scores):
/// computed once, on first request, whatever the disk cache holds.
public final class SharedWork: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: any Sendable] = [:]

    public init() {}

    /// The value stored under `key`, made by `make` the first time it is asked for.
    public func value<T: Sendable>(_ key: String, _ make: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        if let value = values[key] as? T { return value }
        let value = make()
        values[key] = value
        return value
    }
}
