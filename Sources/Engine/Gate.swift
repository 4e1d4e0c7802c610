import Foundation
import GateKit
import GitRepository
import SparkConnect

/// Runs the gate: resolves the revisions, loads both sides, applies the trusted policy,
/// runs the plugins and gathers one report.
public struct Gate: Sendable {
    public static let version = "0.1.0"
    /// Where the configuration lives unless `--config` says otherwise.
    public static let defaultConfigPath = "mlgate.yml"

    /// The plugins to run, in the order reports list them (the CLI's registry lists them).
    public let plugins: [any Plugin]

    public init(plugins: [any Plugin]) {
        self.plugins = plugins
    }

    /// Runs the gate as `options` ask.
    ///
    /// - Parameter progress: receives one line per step (for stderr).
    /// - Throws: `GateError` when the gate cannot run (exit 2).
    ///   - status: transient progress within a step (for a terminal); ignored by default.
    public func run(_ options: GateOptions, progress: @escaping @Sendable (String) -> Void = { _ in },
                    status: @escaping @Sendable (String) -> Void = { _ in }) throws(GateError) -> GateReport {
        let started = ContinuousClock.now

        let repository: Repository
        do { repository = try Repository.discover(from: options.repository) } catch { throw .git(error) }
        let configPath = try configurationPath(options.configPath)

        // Revisions: head, base, and the merge-base that is the baseline.
        let headRev = options.worktree ? "worktree" : options.head
        let headCommit: ObjectID
        let baseRev: String
        let baseCommit: ObjectID
        let mergeBase: ObjectID
        do {
            headCommit = try repository.resolve(options.worktree ? "HEAD" : options.head)
            if let base = options.base {
                (baseRev, baseCommit) = (base, try repository.resolve(base))
            } else {
                (baseRev, baseCommit) = try BaseResolution.resolve(in: repository, environment: options.environment)
            }
            mergeBase = try repository.mergeBase(baseCommit, headCommit, names: (baseRev, headRev))
        } catch {
            throw .git(error)
        }
        progress("baseline \(mergeBase.short) (merge-base of \(baseRev) and \(headRev)), head \(headCommit.short)\(options.worktree ? " + working tree" : "")")

        let baseline = RevisionSnapshot(repository: repository, source: .commit(mergeBase), revision: "merge-base", commit: mergeBase)
        let head = RevisionSnapshot(repository: repository, source: options.worktree ? .workingTree : .commit(headCommit),
                                    revision: headRev, commit: headCommit)

        // Configurations: each side's own; the policy from the baseline.
        guard let headConfig = try loadConfiguration(configPath, at: head) else {
            throw .missingConfiguration(path: configPath, revision: head.label)
        }
        var baselineConfig = try loadConfiguration(configPath, at: baseline)
        // A PR that moves the configuration (and points --config at the new path) is still
        // judged by the policy the baseline keeps at the default path.
        var movedFrom: String?
        if baselineConfig == nil, configPath != Self.defaultConfigPath, let original = try loadConfiguration(Self.defaultConfigPath, at: baseline) {
            baselineConfig = original
            movedFrom = Self.defaultConfigPath
        }
        // Main's current policy, when main moved on since the PR branched: a PR branched before
        // main tightened its policy is judged by the tightened one, as it will be merged under it.
        let tip = RevisionSnapshot(repository: repository, source: .commit(baseCommit), revision: baseRev, commit: baseCommit)
        let tipConfig = baseCommit == mergeBase ? nil : try loadConfiguration(movedFrom ?? configPath, at: tip)
        // Every file a policy names, at every side: the trusted side's copy is the one applied.
        var policyPaths: [String] = []
        for configuration in [baselineConfig?.configuration, tipConfig?.configuration, headConfig.configuration].compactMap({ $0 }) {
            for path in plugins.flatMap({ $0.needs(in: configuration.checks).files }) where !policyPaths.contains(path) { policyPaths.append(path) }
        }
        var baselineFiles: [String: [UInt8]?] = [:], headFiles: [String: [UInt8]?] = [:], tipFiles: [String: [UInt8]?] = [:]
        for path in policyPaths {
            baselineFiles[path] = .some(try baseline.read(path))
            headFiles[path] = .some(try head.read(path))
            if tipConfig != nil { tipFiles[path] = .some(try tip.read(path)) }
        }
        var review = PolicyReview(baseline: baselineConfig, head: headConfig, baselineFiles: baselineFiles, headFiles: headFiles,
                                  allowChange: options.allowPolicyChange, configPath: configPath)
        review.movedFrom = movedFrom
        if let tipConfig { review.mainTip = (tipConfig, tipFiles, baseRev) }
        let externals = ExternalPlugins(baseline: baselineConfig, head: headConfig, allowHeadPlugins: options.allowPlugins,
                                        baselineSnapshot: baseline, headSnapshot: head, environment: options.environment)
        for name in externals.names where plugins.contains(where: { $0.name == name }) {
            throw .usage("\(configPath): plugins: '\(name)' is the name of a built-in plugin; give the external plugin another name")
        }
        let selected = try selectPlugins(only: options.only, skip: options.skip, external: externals.names)
        let seed = options.seed ?? headConfig.configuration.seed

        // Data: each side read with its own configuration; files larger than memory allows are
        // left on disk for streaming, with a sample to train on when a model plugin runs.
        let memory = options.memory ?? MemoryBudget.current()
        let reading = Reading(jobs: options.jobs, memory: memory, seed: seed,
                              sampleForModels: selected.contains { $0.needs(in: review.policy).models })
        // Each side keeps its own data, features and model, under the trusted protected attributes.
        // The two sides are read at once, the baseline through a repository handle of its own
        // (libgit2 handles are not shared between threads), so one side's inflating overlaps the
        // other's parsing.
        let baselineRepository: Repository
        do { baselineRepository = try Repository.discover(from: options.repository) } catch { throw .git(error) }
        let baselineData = RevisionSnapshot(repository: baselineRepository, source: baseline.source, revision: baseline.revision, commit: baseline.commit)
        let headConfiguration = review.applyingPolicy(to: headConfig.configuration)
        let baselineConfiguration = baselineConfig.map { review.applyingPolicy(to: $0.configuration) }
        let naming = (head: headConfig.configuration, baseline: baselineConfig?.configuration ?? headConfig.configuration)
        let cache = LayeredCache(disk: options.useCache ? DirectoryCache.standard(environment: options.environment) : nil)
        // The baseline's files are read now, beside head's, unless every plugin found what it
        // needs of them in the cache; then only if one asks for them after all.
        var baselineHashes: [String: String] = [:]
        for (key, path) in naming.baseline.data.named { if let id = try baselineData.contentID(path) { baselineHashes[key] = id } }
        let probe = BaselineProbe(head: headConfiguration, baseline: baselineConfiguration, baselineContentHashes: baselineHashes,
                                  cache: cache, seed: seed)
        let deferBaseline = !selected.contains { $0.readsBaselineData(probe) }
        let failures = FirstError<GateError>()
        let snapshots = Handoff((head, baselineData))
        let load: @Sendable (Int) -> Result<Side, GateError> = { index in
            Result { () throws(GateError) in
                index == 0
                    ? try loadSide(.head, snapshot: snapshots.value.0, configuration: headConfiguration, naming: naming.head, reading: reading, progress: progress)
                    : try loadSide(.baseline, snapshot: snapshots.value.1, configuration: baselineConfiguration, naming: naming.baseline,
                                   reading: reading, deferred: deferBaseline, failures: failures, progress: progress)
            }
        }
        // Side by side (each side's parsing on every core: see `sideBySide`), unless the
        // baseline's files are left for the cache.
        let loaded: [Result<Side, GateError>] = deferBaseline ? [load(0), load(1)] : {
            let (baseline, head) = Parallel.sideBySide({ load(1) }, { load(0) })
            return [head, baseline]
        }()
        var headSide = try loaded[0].get(), baselineSide = try loaded[1].get()
        // Spark sources: opened now, on the trusted server; models get a seeded sample of each.
        if let (session, version) = try SparkSources.session(head: headConfig.configuration, baseline: baselineConfig?.configuration,
                                                             configPath: configPath, environment: options.environment, progress: progress) {
            let exactRows = (baselineConfig?.configuration ?? headConfig.configuration).spark.exactRows
            headSide = try Self.withSpark(headSide, configuration: headConfiguration, session: session, version: version, exactRows: exactRows,
                                          reading: reading, failures: failures, progress: progress)
            if let baselineConfiguration {
                baselineSide = try Self.withSpark(baselineSide, configuration: baselineConfiguration, session: session, version: version,
                                                  exactRows: exactRows, reading: reading, failures: failures, progress: progress)
            }
        }
        if deferBaseline { progress("baseline data files left unread: every plugin found what it needs of them in the cache") }

        let changedPaths: [ChangedPath]
        do {
            changedPaths = options.worktree
                ? try repository.changedPathsInWorkingTree(from: mergeBase)
                : try repository.changedPaths(from: mergeBase, to: headCommit)
        } catch {
            throw .git(error)
        }

        let malformed = FirstError<TabularError>()
        let context = PluginContext(baseline: baselineSide, head: headSide, policy: review.policy, policyFiles: review.policyFiles,
                                    seed: seed, jobs: options.jobs, memory: memory, cache: cache, log: progress, status: status,
                                    malformedInput: { malformed.record($0) })
        // Work units for sharding: the plugins that share the run's models stay together.
        let order = ["policy"] + selected.map(\.name) + externals.names.filter { (options.only.isEmpty || options.only.contains($0)) && !options.skip.contains($0) }
        let groups = Dictionary(selected.compactMap { plugin in plugin.needs(in: review.policy).shareGroup.map { (plugin.name, $0) } },
                                uniquingKeysWith: { a, _ in a })
        let inShard = Self.shardFilter(order, groups: groups, options.shard)
        var results: [PluginResult] = inShard("policy") ? [PluginResult(name: "policy", checks: [review.check()], durationSeconds: 0)] : []
        for plugin in selected where inShard(plugin.name) {
            let clock = ContinuousClock.now
            progress("running \(plugin.name)")
            let checks = Self.bounded(plugin.run(context), plugin: plugin.name)
            if let error = failures.first { throw error }
            if let error = malformed.first { throw .data(error) }
            progress("\(plugin.name): \(checks.count) checks in \(String(format: "%.2f", Self.seconds(since: clock))) s")
            results.append(PluginResult(name: plugin.name, checks: checks, durationSeconds: Self.seconds(since: clock)))
        }

        // External plugins (SPEC §6), trusted as the policy is.
        let only = options.only, skip = options.skip
        results += try externals.run(include: { inShard($0) && (only.isEmpty || only.contains($0)) && !skip.contains($0) },
                                     repositoryRoot: repository.workingDirectory ?? options.repository,
                                     seed: seed, configuration: headConfig.configuration, baseline: baseline, head: head,
                                     baselineConfiguration: baselineConfig?.configuration, environment: options.environment, progress: progress).map { PluginResult(name: $0.name, checks: Self.bounded($0.checks, plugin: $0.name), durationSeconds: $0.durationSeconds) }

        var report = GateReport(
            toolVersion: Self.version,
            base: .init(rev: baseRev, commit: baseCommit.hex),
            head: .init(rev: headRev, commit: headCommit.hex),
            mergeBase: mergeBase.hex,
            seed: seed,
            durationSeconds: Self.seconds(since: started),
            policy: .init(source: review.source, changed: review.changed),
            plugins: results,
            changedPaths: changedPaths.map(\.path),
            command: Self.reproduction(options: options, base: baseCommit, head: headCommit, seed: seed, configPath: configPath),
            shard: options.shard.map { "\($0.index)/\($0.count)" }, pluginOrder: options.shard == nil ? nil : order)
        report.configPath = configPath
        return report
    }

    // MARK: Steps

    /// The most checks one plugin lists: a table of thousands of columns would otherwise write
    /// reports of hundreds of thousands of checks no reviewer reads.
    static let checkLimit = 5_000

    /// The most a check's message and details may take in a report: values from the data (a
    /// category, a field) reach messages and details, and a report must stay readable and small.
    static let messageLimit = 4_000
    static let detailsLimit = 16 << 10

    /// `check` with its message and details within their limits, saying what was cut.
    static func trimmed(_ check: CheckResult) -> CheckResult {
        var check = check
        if check.message.count > messageLimit {
            check.message = String(check.message.prefix(messageLimit)) + "… (\(check.message.count - messageLimit) more characters cut)"
        }
        let size = JSONEncoding.encode(check.details, pretty: false).utf8.count
        if size > detailsLimit {
            check.details = .object([("cut", .string("\(size) bytes of details left out: a check's details may take \(detailsLimit >> 10) KiB"))])
        }
        return check
    }

    /// `checks`, cut to `checkLimit`: failures and warnings first, and the rest counted in one
    /// `PLUGIN/more` check whose status is the worst of those it stands for, so the verdict and
    /// the exit code stay what they would have been.
    static func bounded(_ checks: [CheckResult], plugin: String) -> [CheckResult] {
        let checks = checks.map(trimmed)
        guard checks.count > checkLimit else { return checks }
        let ordered = checks.enumerated().sorted { a, b in
            a.element.status != b.element.status ? a.element.status > b.element.status : a.offset < b.offset
        }.map(\.element)
        let kept = Array(ordered.prefix(checkLimit - 1)), rest = ordered.dropFirst(checkLimit - 1)
        let counts = Status.allCases.reversed().compactMap { status -> String? in
            let n = rest.filter { $0.status == status }.count
            return n == 0 ? nil : "\(n) \(status.rawValue)"
        }
        let summary = CheckResult(id: "\(plugin)/more", status: Status.worst(rest.map(\.status)), title: "More checks",
                                  message: "\(rest.count) more checks are not listed (\(counts.joined(separator: ", "))): a report lists at most \(checkLimit) per plugin; judge fewer columns (features.ignore) to see them all",
                                  details: .object([("not_listed", .number(Double(rest.count)))]))
        return kept + [summary]
    }

    /// Which plugins a shard runs: units in the run's order dealt round-robin, where plugins of
    /// one share group (those that need the trained models) form one unit.
    static func shardFilter(_ order: [String], groups: [String: String], _ shard: (index: Int, count: Int)?) -> (String) -> Bool {
        guard let shard else { return { _ in true } }
        var units: [String] = []
        for name in order {
            let unit = groups[name].map { "group:" + $0 } ?? name
            if !units.contains(unit) { units.append(unit) }
        }
        return { name in
            let unit = groups[name].map { "group:" + $0 } ?? name
            guard let position = units.firstIndex(of: unit) else { return false }
            return position % shard.count == shard.index - 1
        }
    }

    private func selectPlugins(only: [String], skip: [String], external: [String]) throws(GateError) -> [any Plugin] {
        let known = plugins.map(\.name) + external
        for name in only + skip where !known.contains(name) {
            throw .usage("unknown plugin '\(name)' in --only/--skip; known plugins: \(known.joined(separator: ", ")) (see `mlgate plugins`)")
        }
        return plugins.filter { (only.isEmpty || only.contains($0.name)) && !skip.contains($0.name) }
    }

    private func configurationPath(_ raw: String) throws(GateError) -> String {
        let field = raw.hasPrefix("./") ? String(raw.dropFirst(2)) : raw
        guard !field.hasPrefix("/"), !field.split(separator: "/").contains("..") else {
            throw .usage("--config \(raw): give a path inside the repository, relative to its root (mlgate reads it at both revisions)")
        }
        return field
    }

    private func loadConfiguration(_ path: String, at snapshot: RevisionSnapshot) throws(GateError) -> ConfigurationLoader.Loaded? {
        guard let bytes = try snapshot.read(path) else { return nil }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .configuration(ConfigurationError(file: "\(path)@\(snapshot.commit.short.prefix(8))", line: 0, key: "", problem: "not UTF-8 text"))
        }
        do {
            return try ConfigurationLoader.load(text, file: "\(path)@\(snapshot.revision == "merge-base" ? "baseline" : snapshot.revision)", plugins: plugins)
        } catch {
            throw .configuration(error)
        }
    }

    /// Reads and parses the data files of one side. The data files' bytes are dropped once
    /// parsed (the tables hold what checks need); other files checks read are kept.
    ///
    /// - Parameters:
    ///   - configuration: the side's own configuration, nil when it has none.
    ///   - naming: the configuration that names the files (a baseline without its own uses head's).
    ///     Head's files must exist; a baseline without them simply has nothing to compare.
    ///   - deferred: files held in git are read when a plugin first asks for them, not now; a
    ///     failure to read one is recorded in `failures` and stops the run after that plugin.
    private func loadSide(_ role: Side.Role, snapshot: RevisionSnapshot, configuration: Configuration?,
                          naming: Configuration, reading: Reading, deferred: Bool = false, failures: FirstError<GateError>? = nil,
                          progress: @escaping @Sendable (String) -> Void) throws(GateError) -> Side {
        var tables: [String: Table] = [:]
        var hashes: [String: String] = [:]
        var streamed: [String: StreamedFile] = [:]
        var later: [String: String] = [:]
        for (key, path) in naming.data.named {
            if let file = try largeFile(path, at: snapshot, reading: reading) {
                let (large, sample) = try Self.stream(file, key: key, path: path, role: role, snapshot: snapshot, declared: naming.declaredTypes,
                                                     reading: reading, progress: progress)
                streamed[key] = large
                tables[key] = sample
                if let id = file.id { hashes[key] = id }
            } else if deferred, let id = try snapshot.contentID(path) {
                hashes[key] = id
                later[key] = path
            } else if let (table, hash) = try Self.readTable(key, path: path, role: role, snapshot: snapshot, declared: naming.declaredTypes,
                                                            reading: reading, progress: progress) {
                tables[key] = table
                hashes[key] = hash
            } else if role == .head {
                throw .missingDataFile(key: key, path: path, revision: snapshot.label)
            }
        }
        var data = SideData(tables)
        if !later.isEmpty {
            let files = Handoff(snapshot), declared = naming.declaredTypes, paths = later
            data = SideData(reading: Array(later.keys), already: tables) { key in
                guard let path = paths[key] else { return nil }
                let read = Result { () throws(GateError) in
                    try Self.readTable(key, path: path, role: role, snapshot: files.value, declared: declared, reading: reading,
                                       progress: progress)?.table
                }
                switch read {
                case .success(let table): return table
                case .failure(let error):
                    failures?.record(error)
                    return nil
                }
            }
        }
        return Side(role: role, revision: snapshot.revision, commit: snapshot.commit.hex, configuration: configuration,
                    data: data, files: [:], contentHashes: hashes, streamed: streamed)
    }

    /// `side` with its Spark sources: their tables for the data checks, and for the models a
    /// seeded sample of each, drawn in Spark when a plugin first asks for the rows.
    private static func withSpark(_ side: Side, configuration: Configuration, session: SparkSession, version: String, exactRows: Int,
                                  reading: Reading, failures: FirstError<GateError>, progress: @escaping @Sendable (String) -> Void) throws(GateError) -> Side {
        let tables = try SparkSources.tables(configuration, role: side.role, session: session, version: version, exactRows: exactRows)
        guard !tables.isEmpty else { return side }
        let files = side.data, declared = configuration.declaredTypes
        // Models get what memory allows; without a model plugin only data validation's target
        // leakage reads rows, and 100,000 are plenty for its scores (a repository may ask for
        // fewer with model.sample_rows). Either way, the run holds the sample and nothing else
        // that grows with the table.
        let rows = reading.sampleForModels
            ? configuration.model.sampleRows ?? reading.memory.trainingRows(features: max(1, tables["train"]?.columns.count ?? 1))
            : min(configuration.model.sampleRows ?? 100_000, 100_000)
        let seed = reading.seed
        let data = SideData(reading: ["train", "holdout", "predictions"]) { key in
            guard let table = tables[key] else { return files.table(key) }
            switch Result(catching: { () throws(TabularError) in try table.sample(rows: rows, seed: seed, declared: declared) }) {
            case .success(let (sample, total)):
                progress("spark: \(table.label): a seeded sample of \(sample.rowCount) of \(total) rows for the models")
                return sample
            case .failure(let error):
                failures.record(.data(error))
                return nil
            }
        }
        return Side(role: side.role, revision: side.revision, commit: side.commit, configuration: side.configuration, data: data,
                    files: side.files, contentHashes: side.contentHashes, streamed: side.streamed, remote: tables)
    }

    /// One data file read whole and parsed, with its content id; nil when the side lacks it.
    private static func readTable(_ key: String, path: String, role: Side.Role, snapshot: RevisionSnapshot, declared: [String: ColumnKind],
                                  reading: Reading, progress: (String) -> Void) throws(GateError) -> (table: Table, hash: String)? {
        let readClock = ContinuousClock.now
        guard let bytes = try snapshot.readData(path) else { return nil }
        let readSeconds = seconds(since: readClock)
        // The blob id names the content already; hashing 170 MB again would cost a third of a second.
        let hash = try snapshot.contentID(path) ?? Repository.blobID(of: bytes).hex
        let clock = ContinuousClock.now
        let table: Table
        do {
            // A compressed file (gzip, Parquet) may inflate to no more than half the memory the run
            // may use (never less than 64 MiB): a blob in git's object database is read whole.
            table = try TableReader.read(bytes, path: path, source: "\(path)@\(snapshot.commit.short.prefix(8))",
                                         declared: declared, jobs: reading.jobs, inflateLimit: reading.memory.chunkLimit)
        } catch {
            throw .data(error)
        }
        let elapsed = seconds(since: clock), rows = table.rowCount
        let rate = elapsed > 0 ? " (\(Int(Double(rows) / elapsed)) rows/s)" : ""
        progress("read \(role.rawValue) \(key) \(path): \(MemoryBudget.text(bytes.count)) in \(String(format: "%.2f", readSeconds)) s, "
                 + "\(rows) rows × \(table.columns.count) columns parsed in \(String(format: "%.2f", elapsed)) s\(rate)")
        return (table, hash)
    }

    /// A file too large to read whole, left on disk to stream, with the seeded sample models
    /// train on when a model plugin runs.
    private static func stream(_ file: (path: String, size: Int, id: String?, format: StreamedFormat), key: String, path: String, role: Side.Role,
                               snapshot: RevisionSnapshot, declared: [String: ColumnKind], reading: Reading,
                               progress: (String) -> Void) throws(GateError) -> (StreamedFile, Table?) {
        let label = "\(path)@\(snapshot.commit.short.prefix(8))"
        let clock = ContinuousClock.now
        var rows = 0, sampled = 0
        var sample: Table?
        if reading.sampleForModels {
            let target = reading.memory.trainingRows(features: 32)
            do {
                let drawn = try StreamingSampler.sample(path: file.path, format: file.format, declared: declared, rows: target,
                                                        seed: reading.seed, source: label, jobs: reading.jobs,
                                                        rowGroupLimit: reading.memory.chunkLimit)
                sample = drawn.table
                (rows, sampled) = (drawn.fileRows, drawn.table.rowCount)
            } catch {
                throw .data(error)
            }
        }
        let why = file.format == .parquet ? "with its columns more than two thirds of" : "more than a third of"
        progress("\(role.rawValue) \(key) \(path): \(MemoryBudget.text(file.size)), \(why) the \(MemoryBudget.text(reading.memory.available)) this run may use: streamed"
                 + (reading.sampleForModels ? "; models train on a seeded sample of \(sampled) of \(rows) rows (\(String(format: "%.2f", seconds(since: clock))) s)" : ""))
        return (StreamedFile(path: file.path, label: label, format: file.format, declared: declared, bytes: file.size, rows: rows, sampledRows: sampled),
                sample)
    }

    /// How data files are read in this run.
    struct Reading: Sendable {
        let jobs: Int
        let memory: MemoryBudget
        let seed: UInt64
        let sampleForModels: Bool
    }

    /// The file on disk behind a CSV, TSV or Parquet data file too large to read whole: a Git
    /// LFS object, a DVC cache file or a working-tree file. Content only in git's object database
    /// is read whole (libgit2 inflates a blob in one piece), as are JSON Lines and gzip files.
    private func largeFile(_ path: String, at snapshot: RevisionSnapshot,
                           reading: Reading) throws(GateError) -> (path: String, size: Int, id: String?, format: StreamedFormat)? {
        guard let format = StreamedFormat(path: path), let file = try snapshot.diskFile(path) else { return nil }
        switch format {
        case .delimited:
            guard reading.memory.shouldStream(fileBytes: file.size) else { return nil }
        case .parquet:
            // Compressed columns may take many times the file once read: the footer says how many cells.
            do {
                let stream = try ParquetStream(path: file.path, source: "\(path)@\(snapshot.commit.short.prefix(8))", rowGroupLimit: .max)
                guard reading.memory.shouldStream(parquetBytes: file.size, decodedBytes: stream.decodedBytes) else { return nil }
            } catch {
                throw .data(error)
            }
        }
        return (file.path, file.size, file.id, format)
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let duration = ContinuousClock.now - start
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// The exact command that reproduces the run: pinned commits and seed.
    static func reproduction(options: GateOptions, base: ObjectID, head: ObjectID, seed: UInt64, configPath: String) -> String {
        var parts = ["mlgate check", "--base \(base.short)"]
        parts.append(options.worktree ? "--worktree" : "--head \(head.short)")
        parts.append("--seed \(seed)")
        if configPath != "mlgate.yml" { parts.append("--config \(configPath)") }
        for name in options.only { parts.append("--only \(name)") }
        for name in options.skip { parts.append("--skip \(name)") }
        if options.allowPolicyChange { parts.append("--allow-policy-change") }
        if !options.useCache { parts.append("--no-cache") }
        if options.allowPlugins { parts.append("--allow-plugins") }
        if let limit = options.memoryLimitText { parts.append("--memory-limit \(limit)") }
        return parts.joined(separator: " ")
    }
}

/// A value handed to worker threads that each use their own part of it only (a repository
/// handle per side), which the compiler cannot see.
private struct Handoff<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// The first error recorded from any thread: a malformed data file a plugin found while reading
/// it itself, or a baseline file that could not be read when a plugin first asked for it (see
/// `SideData`). The run stops with it after that plugin, as it would have before.
final class FirstError<Failure: Error>: @unchecked Sendable {
    private let lock = NSLock()
    private var error: Failure?

    func record(_ error: Failure) {
        lock.lock()
        defer { lock.unlock() }
        if self.error == nil { self.error = error }
    }

    var first: Failure? {
        lock.lock()
        defer { lock.unlock() }
        return error
    }
}
