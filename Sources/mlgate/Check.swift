import ArgumentParser
import Engine
import PluginRegistry
import Foundation
import GateKit
import Reports

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Judge a revision against its baseline and write reports.",
        discussion: """
        The baseline is the merge-base of --base and --head. Without --base, the first that \
        exists of origin/$GITHUB_BASE_REF, $CI_MERGE_REQUEST_DIFF_BASE_SHA, origin/HEAD, \
        origin/main, main, master. The policy (checks: in mlgate.yml) is read from the baseline.

        Examples:
          mlgate check                                  # HEAD against origin/HEAD, summary on stdout
          mlgate check --base main --worktree           # uncommitted work against main
          mlgate check --junit out/junit.xml --markdown out/report.md --json out/report.json --html out/report.html
        """)

    @Option(help: ArgumentHelp("A folder inside the repository to check.", valueName: "dir"))
    var repo: String?

    @Option(help: ArgumentHelp("The target branch or commit; the baseline is its merge-base with head.", valueName: "rev"))
    var base: String?

    @Option(help: ArgumentHelp("The revision to judge (default: HEAD).", valueName: "rev"))
    var head: String?

    @Flag(help: "Judge the working tree as it is, uncommitted changes included.")
    var worktree = false

    @Option(help: ArgumentHelp("The configuration file, relative to the repository root.", valueName: "path"))
    var config = "mlgate.yml"

    @OptionGroup var reports: ReportOptions

    @Option(help: ArgumentHelp("Run only this plugin (repeatable).", valueName: "plugin"))
    var only: [String] = []

    @Option(help: ArgumentHelp("Do not run this plugin (repeatable).", valueName: "plugin"))
    var skip: [String] = []

    @Option(help: "Override the configuration's seed.")
    var seed: UInt64?

    @Option(help: "Threads to use (default: all cores). Results do not depend on it.")
    var jobs: Int?

    @Option(help: ArgumentHelp("Run one deterministic share of the checks (I of N), for a CI matrix; join the shards' JSON with `mlgate merge`.", valueName: "I/N"))
    var shard: String?

    @Option(help: ArgumentHelp("Memory the run may use, like 512M or 4G (default: what the machine and its cgroup allow). Larger data files are streamed; models train on samples that fit.", valueName: "size"))
    var memoryLimit: String?

    @Flag(help: "Apply head's checks: policy even though it differs from the baseline's.")
    var allowPolicyChange = false

    @Flag(help: "Run external plugins declared only in head's mlgate.yml (by default only the baseline's run).")
    var allowPlugins = false

    @Flag(help: "Train the baseline model afresh instead of reusing it from $XDG_CACHE_HOME/mlgate (or ~/.cache/mlgate).")
    var noCache = false

    @Flag(name: [.long, .short], help: "Print nothing but errors.")
    var quiet = false

    @Flag(name: [.long, .short], help: "Print every check and each step.")
    var verbose = false

    func validate() throws {
        if worktree && head != nil { throw ValidationError("--head and --worktree exclude each other: --worktree judges the working tree on top of HEAD") }
        if quiet && verbose { throw ValidationError("--quiet and --verbose exclude each other") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let memoryLimit, Self.bytes(memoryLimit) == nil {
            throw ValidationError("--memory-limit takes a size like 800M, 4G or 1073741824 (bytes), at least 1K")
        }
        if let shard, Self.shard(shard) == nil { throw ValidationError("--shard takes I/N with 1 ≤ I ≤ N, for example 2/3") }
    }

    func run() throws {
        var options = GateOptions(repository: repo ?? FileManager.default.currentDirectoryPath,
                                  jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount,
                                  environment: ProcessInfo.processInfo.environment)
        options.base = base
        options.head = head ?? "HEAD"
        options.worktree = worktree
        options.configPath = config
        options.only = only
        options.skip = skip
        options.seed = seed
        options.allowPolicyChange = allowPolicyChange
        options.useCache = !noCache
        options.allowPlugins = allowPlugins
        options.shard = shard.flatMap(Self.shard)
        if let memoryLimit, let bytes = Self.bytes(memoryLimit) {
            options.memory = MemoryBudget(available: min(bytes, MemoryBudget.current().available))
            options.memoryLimitText = memoryLimit
        }

        let report: GateReport
        do {
            // On a terminal, transient progress updates one line in place; in logs, one line per step.
            let terminal = isatty(STDERR_FILENO) == 1
            let quiet = self.quiet
            report = try Gate(plugins: PluginRegistry.all).run(options,
                                    progress: { line in if !quiet { Diagnostics.log(terminal ? "\r\u{1B}[2K" + line : line) } },
                                    status: { line in if terminal && !quiet { Diagnostics.write("\r\u{1B}[2K" + line) } })
        } catch {
            throw CannotRun(message: error.description)
        }

        try reports.write(report)
        if !quiet {
            if reports.none {
                print(TextSummary.render(report, verbose: verbose), terminator: "")
            } else {
                Diagnostics.log("mlgate: \(report.status.rawValue) — \(report.allChecks.count) checks, exit \(report.exitCode)")
                // The reports hold the detail; the log still names what blocks the PR.
                for line in TextSummary.blocking(report) { Diagnostics.log(line) }
            }
        }
        throw ExitCode(report.exitCode)
    }

    /// Bytes in `800M`, `4G`, `512k` (binary units) or a plain number; nil below 1 KiB (tests
    /// stream small files with tiny limits).
    static func bytes(_ text: String) -> Int? {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var digits = text.uppercased()
        if digits.hasSuffix("B") || digits.hasSuffix("IB") { digits = String(digits.dropLast(digits.hasSuffix("IB") ? 2 : 1)) }
        var scale = 1
        if let last = digits.last, let unit = units[last] { scale = unit; digits.removeLast() }
        guard let value = Double(digits), value > 0 else { return nil }
        let bytes = value * Double(scale)
        guard bytes >= 1024, bytes < Double(1 << 62) else { return nil }
        return Int(bytes)
    }

    static func shard(_ text: String) -> (index: Int, count: Int)? {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, (1...n).contains(i) else { return nil }
        return (i, n)
    }

}
