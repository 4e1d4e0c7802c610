import GateKit

/// Are the inputs what we expect? Compares head's training data with the baseline's (the
/// reference distribution) and checks that the holdout agrees with train.
public struct DataValidationPlugin: Plugin {
    public let name = "data-validation"
    public let summary = "schema, rows, nulls, ranges, categories, drift, duplicates and leakage of the data files"
    public let catalog: [CheckDescription] = [
        CheckDescription("schema", "columns added, removed or changed in type since the baseline; holdout agrees with train; values that break a declared type"),
    ]

    public init() {}

    public func run(_ context: PluginContext) -> [CheckResult] {
        [SchemaCheck(context: context).result()]
    }
}
