import GateKit

/// What `mlgate check` was asked to do, independent of how the command line spelled it.
public struct GateOptions: Sendable {
    /// A folder inside the repository.
    public var repository: String
    /// nil: resolve as SPEC §1 orders (CI variables, origin/HEAD, origin/main, main, master).
    public var base: String?
    public var head = "HEAD"
    /// Check the working tree as it is, uncommitted changes included.
    public var worktree = false
    public var configPath = "mlgate.yml"
    public var only: [String] = []
    public var skip: [String] = []
    /// Overrides `seed:` of the configuration.
    public var seed: UInt64?
    public var jobs: Int
    public var allowPolicyChange = false
    public var allowPlugins = false
    /// Run only this share of the work (1-based index, count), for a CI matrix.
    public var shard: (index: Int, count: Int)?
    /// Reuse and keep trained baseline models in the artifact cache (`--no-cache` turns it off).
    public var useCache = true
    /// The memory the run may use (`--memory-limit`); nil reads it from the machine and its cgroup.
    /// Data files larger than a third of it are streamed, and models train on samples that fit.
    public var memory: MemoryBudget?
    /// How the user spelled it, for the reproduction command.
    public var memoryLimitText: String?
    /// The process environment (for the CI base variables).
    public var environment: [String: String]

    public init(repository: String, jobs: Int, environment: [String: String]) {
        self.repository = repository
        self.jobs = jobs
        self.environment = environment
    }
}
