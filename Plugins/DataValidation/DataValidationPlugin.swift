import GateKit

/// Are the inputs what we expect? Compares head's training data with the baseline's (the
/// reference distribution) and checks that the holdout agrees with train.
public struct DataValidationPlugin: Plugin {
    public typealias Settings = DataValidationPolicy
    public let name = "data-validation"
    public let summary = "schema, rows, nulls, ranges, categories, drift, duplicates and leakage of the data files"
    public let catalog: [CheckDescription] = [
        CheckDescription("schema", "columns removed or retyped (fail), added, renamed or removed from features.ignore (warn) since the baseline; target present; holdout agrees with train; values that break a declared type",
                         examples: [.init("schema-break", "schema", .fail), .init("label-restated", "schema", .warn), .init("clean", "schema", .pass)]),
        CheckDescription("rows", "the training set's row count changed by more than max_row_change (warn)",
                         examples: [.init("data-broken", "rows", .warn), .init("clean", "rows", .pass)]),
        CheckDescription("nulls/COL", "missing values rose by more than max_null_increase, or exceed the schema's max_null_fraction (fail; as bad at the baseline: warn, preexisting, unless strict)",
                         examples: [.init("data-broken", "nulls/age", .fail), .init("preexisting-nulls", "nulls/age", .warn),
                                    .init("strict-preexisting", "nulls/age", .fail), .init("clean", "nulls/age", .pass)]),
        CheckDescription("range/COL", "values outside the schema's min/max (fail); without bounds, over 1% outside the baseline's range (warn)",
                         examples: [.init("data-broken", "range/age", .fail), .init("clean", "range/age", .pass)]),
        CheckDescription("categories/COL", "categories outside the schema's values (fail); without them, over 1% of rows in categories the baseline lacked (warn)",
                         examples: [.init("data-broken", "categories/region", .fail), .init("clean", "categories/region", .pass)]),
        CheckDescription("drift/COL", "PSI against the baseline ≥ warn / fail (KS or chi-square p-values reported, not judged); skip under min_rows",
                         examples: [.init("drift", "drift/income", .fail), .init("drift-moderate", "drift/income", .warn),
                                    .init("drift-min-rows", "drift/income", .skip), .init("clean", "drift/income", .pass)]),
        CheckDescription("label-drift", "PSI of the target's distribution, judged like drift",
                         examples: [.init("data-broken", "label-drift", .fail), .init("clean", "label-drift", .pass)]),
        CheckDescription("duplicates", "more than 5% of training rows repeat an earlier row (warn)",
                         examples: [.init("data-broken", "duplicates", .warn), .init("clean", "duplicates", .pass)]),
        CheckDescription("leakage", "holdout rows also in train: any warns, more than 1% fails",
                         examples: [.init("data-broken", "leakage", .fail), .init("clean", "leakage", .pass)]),
        CheckDescription("constant/COL", "a feature that varied at the baseline holds one value at head (warn)",
                         examples: [.init("region-constant", "constant/region", .warn), .init("clean", "constant/region", nil)]),
        CheckDescription("missing-target", "rows without a label, left out of training and scoring: warns when their share grew, fails when no row has one",
                         examples: [.init("labels-missing", "missing-target", .warn), .init("clean", "missing-target", .pass)]),
        CheckDescription("target-leakage/COL", "a feature that restates the label: values one to one with its classes, or a single-feature AUC / R² ≥ 0.99 on held-out rows (fail)",
                         examples: [.init("label-restated", "target-leakage/decision", .fail), .init("clean", "target-leakage/income", nil)]),
    ]

    public init() {}

    /// Not when the cache holds the baseline's profile for these files.
    public func readsBaselineData(_ probe: BaselineProbe) -> Bool {
        guard let cache = probe.cache, cache.isPersistent,
              let inputs = BaselineProfile.Inputs(head: probe.head, naming: probe.baseline ?? probe.head, hashes: probe.baselineContentHashes)
        else { return true }
        guard cache.contains(inputs.key) else { return true }
        // The profile will be loaded when the plugin runs: read it meanwhile, while head's files are.
        cache.prefetch(inputs.key)
        return false
    }

    public func run(_ context: PluginContext) -> [CheckResult] {
        let input: ValidationInput
        do {
            guard let read = try ValidationInput(context) else {
                return [CheckResult(id: "data-validation/schema", status: .error, title: "Schema", message: "head has no training data to check")]
            }
            input = read
        } catch {
            context.malformedInput(error)
            return [CheckResult(id: "data-validation/schema", status: .error, title: "Schema", message: "\(error)")]
        }
        let timed = SectionTimer(name, log: context.log)
        let columns = input.featureColumns
        // Dates and timestamps move on by design: their categories and drift are not judged.
        let datetime = Set(input.configuration.datetimeColumns)
        var checks = timed("schema, rows, nulls, ranges, constants and categories of \(columns.count) columns") {
            var checks = [SchemaCheck(input: input).result(), RowsCheck(input: input).result()]
            checks += columns.map { NullsCheck(input: input, column: $0).result() }
            checks += columns.filter { $0.kind == .numeric }.map { RangeCheck(input: input, column: $0).result() }
            checks += columns.compactMap { ConstantCheck(input: input, column: $0).result() }
            checks += columns.filter { $0.kind == .categorical && !datetime.contains($0.name) }.map {
                CategoriesCheck(input: input, column: $0, profile: $0.categoricalProfile).result()
            }
            return checks
        }
        // Drift sorts every column on both sides: the heavy part, spread over the cores.
        let policy = input.policy.drift
        let drifting = columns.filter { !datetime.contains($0.name) }
        checks += timed("drift of \(drifting.count) columns and the label") {
            Parallel.map(drifting.count, jobs: context.jobs) { i in
                let column = drifting[i]
                return DriftCheck(id: "data-validation/drift/\(column.name)", title: "Drift of \(column.name)", head: column,
                                  baseline: input.baselineColumn(named: column.name), policy: policy).result()
            } + [labelDrift(input), MissingTargetCheck(input: input).result()]
        }
        checks += timed("target leakage") { TargetLeakageCheck(input: input).results() }
        // Each hashes and sorts a million rows on one thread: side by side, they take one's time.
        checks += timed("duplicates and holdout rows in train") {
            Parallel.map(2, jobs: context.jobs) { $0 == 0 ? DuplicatesCheck(input: input).result() : LeakageCheck(input: input).result() }
        }
        input.storing.wait()
        // The file each check judges, for CI annotations that point at the data, not the config.
        let train = input.configuration.data.train, holdout = input.configuration.data.holdout
        return checks.map { check in
            var check = check
            let file = check.id == "data-validation/leakage" ? (holdout ?? train) : train
            if case .object(var fields) = check.details, !fields.contains(where: { $0.0 == "file" }) {
                fields.append(("file", .string(file)))
                check.details = .object(fields)
            }
            return check
        }
    }

    private func labelDrift(_ input: ValidationInput) -> CheckResult {
        let target = input.configuration.target
        guard let head = input.head.column(target) else {
            return CheckResult(id: "data-validation/label-drift", status: .skip, title: "Drift of the label", message: "the target column '\(target)' is missing")
        }
        return DriftCheck(id: "data-validation/label-drift", title: "Drift of the label \(target)", head: head,
                          baseline: input.baseline?.column(target), policy: input.policy.drift,
                          categorical: input.configuration.task != .regression).result()
    }
}
