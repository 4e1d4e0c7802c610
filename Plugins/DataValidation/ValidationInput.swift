import Foundation
import GateKit

/// What the data checks compare: head's training data against the baseline's (the reference
/// distribution), with the expectations and thresholds that apply. Files larger than memory are
/// profiled as streams here, baseline first, so that head's pass can count values outside the
/// baseline's range exactly.
struct ValidationInput: Sendable {
    let context: PluginContext
    let configuration: Configuration
    let head: DataSet
    let baseline: DataSet?
    let headHoldout: DataSet?
    let baselineHoldout: DataSet?
    let policy: DataValidationPolicy
    let strict: Bool
    /// Columns the PR renamed (found when both trains were read whole): each is compared with
    /// its old self, not skipped as new.
    let renames: [RenameDetection.Rename]
    /// The baseline profile being written to the cache while the checks run.
    let storing: BackgroundWork

    init?(_ context: PluginContext) throws(TabularError) {
        guard let configuration = context.head.configuration,
              context.head.remote["train"] != nil || context.head.streamed["train"] != nil || context.head.train != nil else { return nil }
        self.context = context
        storing = BackgroundWork()
        self.configuration = configuration
        self.policy = DataValidationPlugin().settings(context.policy)
        self.strict = context.policy.strict
        let ignored = Set(configuration.features.ignore)
        // Fingerprints compare head's train columns (ids left out), as the in-memory checks do.
        let headNames = try Self.columnNames("train", of: context.head) ?? []
        let headColumns = headNames.filter { !ignored.contains($0) }
        let bounds = BaselineProfile.intervals(configuration)
        let schemaIntervals = bounds.mapValues { [$0] }
        let target = configuration.target
        let (profile, cached) = Self.cachedProfile(context, head: configuration, headColumns: headNames)
        var baselineHoldout: DataSet?
        var baseline: DataSet?
        if let profile {
            baseline = .profiled(profile)
            context.log("data-validation: baseline profile reused from the cache (\(profile.rows) rows × \(profile.columns.count) columns)")
        } else {
            let loaded = try Self.load("train", of: context.baseline, intervals: schemaIntervals, hash: headColumns, target: target, context: context)
            let holdout = try Self.load("holdout", of: context.baseline, intervals: [:], hash: headColumns, target: target, context: context)
            baselineHoldout = holdout
            baseline = Self.profiled(loaded, holdout: holdout, context: context, head: configuration, headColumns: headNames,
                                     cache: cached, storing: storing)
        }
        var headIntervals = schemaIntervals
        if let baseline {
            for column in baseline.columns where column.kind == .numeric && bounds[column.name] == nil {
                let range = column.extremes
                if range.low.isFinite { headIntervals[column.name] = [StreamingProfiler.Interval(low: range.low, high: range.high)] }
            }
        }
        var head = try Self.load("train", of: context.head, intervals: headIntervals, hash: headColumns, target: target, context: context)!
        var headHoldout = try Self.load("holdout", of: context.head, intervals: [:], hash: headColumns, target: target, context: context)
        if case .remote(var set) = head {
            if case .remote(var base)? = baseline {
                set.drift = try Self.remoteDrift(head: set, baseline: base, target: target, context: context)
                base.profile = try Self.countingValuesTheConstantCheckReports(head: set, baseline: base)
                baseline = .remote(base)
            }
            head = .remote(set)
            headHoldout = try Self.foundInTrain(headHoldout, train: set, ignored: ignored)
            if case .remote(let base)? = baseline { baselineHoldout = try Self.foundInTrain(baselineHoldout, train: base, ignored: ignored) }
        }
        self.baseline = baseline
        self.head = head
        self.headHoldout = headHoldout
        self.baselineHoldout = baselineHoldout
        if let baseline { renames = SchemaCheck.renames(baseline, head) } else { renames = [] }
    }

    /// The baseline's profile from the cache, when the cache has one for these files and it
    /// applies to head; else nil, with the key to store the one this run makes under.
    private static func cachedProfile(_ context: PluginContext, head: Configuration, headColumns: [String]) -> (BaselineProfile?, key: String?) {
        guard let cache = context.cache, cache.isPersistent, context.baseline.streamed.isEmpty,
              let inputs = BaselineProfile.Inputs(head: head, naming: context.baseline.configuration ?? head, hashes: context.baseline.contentHashes)
        else { return (nil, nil) }
        let key = inputs.key
        guard let bytes = cache.load(key) else { return (nil, key) }
        guard let profile = BaselineProfile(decoding: bytes) else {
            context.log("data-validation: the cached baseline profile is unreadable (another version, or damaged); profiling the baseline again")
            return (nil, key)
        }
        return profile.applies(toHeadColumns: headColumns) ? (profile, nil) : (nil, nil)
    }

    /// The baseline read whole, as its profile: checks then compute the same numbers whether it
    /// came from the cache or not. Stored under `key`; kept as the table where it does not apply
    /// to head (other columns, which renames and fingerprints need the rows for).
    private static func profiled(_ baseline: DataSet?, holdout: DataSet?, context: PluginContext, head: Configuration, headColumns: [String],
                                 cache key: String?, storing: BackgroundWork) -> DataSet? {
        guard case .memory(let train)? = baseline, context.baseline.streamed.isEmpty,
              let inputs = BaselineProfile.Inputs(head: head, naming: context.baseline.configuration ?? head, hashes: context.baseline.contentHashes)
        else { return baseline }
        let holdoutTable: Table? = if case .memory(let table)? = holdout { table } else { nil }
        let profile = SectionTimer("data-validation", log: context.log)({ BaselineProfile(train: train, holdout: holdoutTable, inputs: inputs, jobs: context.jobs) },
                                                                         { "baseline profile of \($0.rows) rows × \($0.columns.count) columns" })
        // Written beside the checks: 160 MB of sorted columns take a second to encode and write.
        if let key, let cache = context.cache, cache.isPersistent { storing.start { cache.store(key, profile.encoded()) } }
        return profile.applies(toHeadColumns: headColumns) ? .profiled(profile) : baseline
    }

    /// Share of the baseline's training rows that repeat an earlier one, over `columns`.
    func baselineDuplicateShare(columns: [String]) -> Double? {
        guard let baseline else { return nil }
        if case .profiled(let profile) = baseline { return Double(profile.duplicates) / Double(max(1, profile.rows)) }
        return Double(DuplicatesCheck.duplicates(baseline, columns: columns.filter { baseline.column($0) != nil }).count) / Double(max(1, baseline.rowCount))
    }

    /// Share of the baseline's holdout rows also in its train; nil without both files.
    var baselineLeakedShare: Double? {
        if case .profiled(let profile)? = baseline { return profile.leaked.map { Double($0.count) / Double(max(1, $0.rows)) } }
        guard let train = baseline, let holdout = baselineHoldout else { return nil }
        return Double(LeakageCheck.leaked(train: train, holdout: holdout, ignored: ignoredColumns).count) / Double(max(1, holdout.rowCount))
    }

    /// The baseline's profile with exact distinct counts of the numeric columns that hold one
    /// value at head and varied at the baseline: the constant check reports that number, and a
    /// remote profile counts numeric values only where needed.
    private static func countingValuesTheConstantCheckReports(head: RemoteSet, baseline: RemoteSet) throws(TabularError) -> RemoteProfile {
        let wanted = head.profile.columns.filter { $0.kind == .numeric && $0.count > 0 && $0.distinct == 1 && $0.categories == nil }.compactMap { column in
            baseline.profile.column(column.name).flatMap { $0.kind == .numeric && $0.distinct > 1 && $0.categories == nil ? $0.name : nil }
        }
        guard !wanted.isEmpty else { return baseline.profile }
        let counts = try baseline.table.distinctCounts(wanted)
        var profile = baseline.profile
        for i in profile.columns.indices { if let n = counts[profile.columns[i].name] { profile.columns[i].distinct = n } }
        return profile
    }

    /// Drift of every numeric column both sides have, computed where they are: counts in the
    /// baseline's decile bins on each side and the KS statistic (exact, or from the quantile
    /// grids an approximate profile took, with their error).
    private static func remoteDrift(head: RemoteSet, baseline: RemoteSet, target: String, context: PluginContext) throws(TabularError) -> [String: RemoteDrift] {
        var edges: [String: [Double]] = [:]
        // Columns with values on both sides (the check skips the others before looking at drift).
        for column in head.profile.columns where column.kind == .numeric && column.name != target && column.count > 0 {
            guard let base = baseline.profile.column(column.name), base.kind == .numeric, base.count > 0, base.deciles.count == 9 else { continue }
            var deduplicated: [Double] = []
            for edge in base.deciles where deduplicated.last != edge { deduplicated.append(edge) }
            edges[column.name] = deduplicated
        }
        guard !edges.isEmpty else { return [:] }
        let clock = ContinuousClock.now
        let baseCounts = try baseline.table.binCounts(edges)
        let headCounts = try head.table.binCounts(edges)
        var rankError = max(head.profile.percentileRankError, baseline.profile.percentileRankError)
        let ks: [String: Double]
        if head.table.isExactSize && baseline.table.isExactSize {
            ks = try head.table.ksStatistics(against: baseline.table, columns: edges.keys.sorted())
        } else {
            // Both sides' quantile grids: D between the two step functions they define.
            let points = 999
            let a = try baseline.table.quantileGrid(edges.keys.sorted(), points: points), b = try head.table.quantileGrid(edges.keys.sorted(), points: points)
            ks = Dictionary(uniqueKeysWithValues: edges.keys.compactMap { name in
                guard let qa = a[name], let qb = b[name] else { return nil }
                return (name, KolmogorovSmirnov.statistic(weighted: qa.map { ($0, 1) }, qb.map { ($0, 1) }))
            })
            // D between the grids is within a grid step plus both grids' rank errors of the true D.
            rankError = 1 / Double(points + 1) + head.profile.percentileRankError + baseline.profile.percentileRankError
        }
        context.log("data-validation: drift of \(edges.count) columns computed in \(head.table.engine) in \(ContinuousClock.now - clock)")
        var drift: [String: RemoteDrift] = [:]
        for (name, e) in edges {
            guard let b = baseCounts[name], let h = headCounts[name] else { continue }
            drift[name] = RemoteDrift(edges: e, baseline: b, head: h, ks: ks[name] ?? .nan, rankError: rankError)
        }
        return drift
    }

    /// A remote holdout with the count of its rows found in `train`, over the columns the
    /// leakage check compares.
    private static func foundInTrain(_ holdout: DataSet?, train: RemoteSet, ignored: Set<String>) throws(TabularError) -> DataSet? {
        guard case .remote(var set)? = holdout else { return holdout }
        let columns = train.table.columnNames.filter { !ignored.contains($0) && set.table.columnNames.contains($0) }
        set.foundInTrain = try train.table.rowsFound(of: set.table, columns: columns)
        return .remote(set)
    }

    /// The file's column names, from the table or the stream's header.
    private static func columnNames(_ key: String, of side: Side) throws(TabularError) -> [String]? {
        if let remote = side.remote[key] { return remote.columnNames }
        if let file = side.streamed[key] { return try StreamingProfiler.header(path: file.path, format: file.format, source: file.label) }
        return side.table(key)?.columnNames
    }

    private static func load(_ key: String, of side: Side, intervals: [String: [StreamingProfiler.Interval]], hash: [String],
                             target: String, context: PluginContext) throws(TabularError) -> DataSet? {
        if let remote = side.remote[key] {
            var request = RemoteProfileRequest()
            request.declared = side.configuration?.declaredTypes ?? [:]
            request.intervals = intervals
            request.hashColumns = hash
            request.countedNumbers = [target]
            let clock = ContinuousClock.now
            let profile = try remote.profile(request)
            context.log("data-validation: \(remote.label) profiled in \(remote.engine): \(profile.rows) rows × \(profile.columns.count) columns in \(ContinuousClock.now - clock)")
            return .remote(RemoteSet(table: remote, profile: profile))
        }
        guard let file = side.streamed[key] else { return side.table(key).map(DataSet.memory) }
        var options = StreamingProfiler.Options()
        options.rowGroupLimit = context.memory.chunkLimit
        options.declared = file.declared
        options.countedNumbers = [target]
        options.intervals = intervals
        options.hashColumns = hash
        return .stream(try StreamingProfiler.profile(path: file.path, format: file.format, jobs: context.jobs, options: options, source: file.label))
    }

    /// Columns that describe the population (everything but ignored ids and the target), in head's order.
    var featureColumns: [ColumnData] {
        head.columns.filter { !configuration.features.ignore.contains($0.name) && $0.name != configuration.target }
    }

    /// The baseline's column of the same name and kind, if any.
    func baselineColumn(_ column: ColumnData) -> ColumnData? {
        guard let other = baselineColumn(named: column.name), other.kind == column.kind else { return nil }
        return other
    }

    /// The baseline's column that head's `name` continues: the same name, or the old name of a rename.
    func baselineColumn(named name: String) -> ColumnData? {
        baseline?.column(renames.first { $0.new == name }?.old ?? name)
    }

    /// Columns that identify rows rather than describe them; left out of row comparisons.
    var ignoredColumns: Set<String> { Set(configuration.features.ignore) }

    func label(_ role: Side.Role) -> String {
        role == .head ? context.head.label(configuration.data.train) : context.baseline.label(configuration.data.train)
    }
}

/// Work left running beside the checks (writing the baseline profile to the cache), waited for
/// before the plugin returns so that it is never cut off when the run ends.
final class BackgroundWork: @unchecked Sendable {
    private let group = DispatchGroup()

    func start(_ work: @escaping @Sendable () -> Void) {
        DispatchQueue.global(qos: .utility).async(group: group, execute: work)
    }

    func wait() { group.wait() }
}
