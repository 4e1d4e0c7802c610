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

    init?(_ context: PluginContext) throws(TabularError) {
        guard let configuration = context.head.configuration,
              context.head.train != nil || context.head.streamed["train"] != nil else { return nil }
        self.context = context
        self.configuration = configuration
        self.policy = DataValidationPlugin().settings(context.policy)
        self.strict = context.policy.strict
        let ignored = Set(configuration.features.ignore)
        // Fingerprints compare head's train columns (ids left out), as the in-memory checks do.
        let headColumns = try Self.columnNames("train", of: context.head)?.filter { !ignored.contains($0) } ?? []
        let bounds = Dictionary(configuration.schema.compactMap { e -> (String, StreamingProfiler.Interval)? in
            guard e.min != nil || e.max != nil else { return nil }
            return (e.column, StreamingProfiler.Interval(low: e.min ?? -.infinity, high: e.max ?? .infinity))
        }, uniquingKeysWith: { a, _ in a })
        let schemaIntervals = bounds.mapValues { [$0] }
        let target = configuration.target
        baseline = try Self.load("train", of: context.baseline, intervals: schemaIntervals, hash: headColumns, target: target, jobs: context.jobs)
        var headIntervals = schemaIntervals
        if let baseline {
            for column in baseline.columns where column.kind == .numeric && bounds[column.name] == nil {
                let range = column.extremes
                if range.low.isFinite { headIntervals[column.name] = [StreamingProfiler.Interval(low: range.low, high: range.high)] }
            }
        }
        head = try Self.load("train", of: context.head, intervals: headIntervals, hash: headColumns, target: target, jobs: context.jobs)!
        headHoldout = try Self.load("holdout", of: context.head, intervals: [:], hash: headColumns, target: target, jobs: context.jobs)
        baselineHoldout = try Self.load("holdout", of: context.baseline, intervals: [:], hash: headColumns, target: target, jobs: context.jobs)
        if let baseline { renames = SchemaCheck.renames(baseline, head) } else { renames = [] }
    }

    /// The file's column names, from the table or the stream's header.
    private static func columnNames(_ key: String, of side: Side) throws(TabularError) -> [String]? {
        if let file = side.streamed[key] { return try StreamingProfiler.header(path: file.path, delimiter: file.delimiter, source: file.label) }
        return side.tables[key]?.columnNames
    }

    private static func load(_ key: String, of side: Side, intervals: [String: [StreamingProfiler.Interval]], hash: [String],
                             target: String, jobs: Int) throws(TabularError) -> DataSet? {
        guard let file = side.streamed[key] else { return side.tables[key].map(DataSet.memory) }
        var options = StreamingProfiler.Options()
        options.declared = file.declared
        options.countedNumbers = [target]
        options.intervals = intervals
        options.hashColumns = hash
        return .stream(try StreamingProfiler.profile(path: file.path, delimiter: file.delimiter, jobs: jobs, options: options, source: file.label))
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
