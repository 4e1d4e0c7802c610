import GateKit

/// What the data checks compare: head's training data against the baseline's, with the
/// expectations and thresholds that apply.
struct ValidationInput: Sendable {
    let context: PluginContext
    let configuration: Configuration
    let head: Table
    let baseline: Table?
    let headHoldout: Table?
    let policy: DataValidationPolicy
    let strict: Bool

    init?(_ context: PluginContext) {
        guard let configuration = context.head.configuration, let head = context.head.train else { return nil }
        self.context = context
        self.configuration = configuration
        self.head = head
        self.baseline = context.baseline.train
        self.headHoldout = context.head.holdout
        self.policy = context.policy.dataValidation
        self.strict = context.policy.strict
    }

    /// Columns that describe the population (everything but ignored ids and the target), in head's order.
    var featureColumns: [Column] {
        head.columns.filter { !configuration.features.ignore.contains($0.name) && $0.name != configuration.target }
    }

    /// The baseline's column of the same name and kind, if any.
    func baselineColumn(_ column: Column) -> Column? {
        guard let other = baseline?.column(column.name), other.kind == column.kind else { return nil }
        return other
    }

    /// Columns that identify rows rather than describe them; left out of row comparisons.
    var ignoredColumns: Set<String> { Set(configuration.features.ignore) }

    func label(_ role: Side.Role) -> String {
        role == .head ? context.head.label(configuration.data.train) : context.baseline.label(configuration.data.train)
    }
}
