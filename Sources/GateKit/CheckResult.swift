/// One judged check, as every report shows it (SPEC §3, §4).
public struct CheckResult: Sendable, Equatable {
    /// `plugin/check[/subject]`, stable across runs.
    public var id: String
    public var status: Status
    /// A short human name ("Schema of data/train.csv").
    public var title: String
    /// What was found and, for anything but a pass, what to do about it.
    public var message: String
    /// The metric the value measures, when the check has one (psi, auc, …).
    public var metric: String?
    /// Head's value.
    public var value: Double?
    /// The baseline's value.
    public var baseline: Double?
    /// The threshold the value was judged against.
    public var threshold: Double?
    /// What a reviewer needs to see why: per-check structured data.
    public var details: JSONValue
    /// True when the same failure already exists at the baseline (downgraded to `warn` unless strict).
    public var preexisting: Bool

    public init(id: String, status: Status, title: String, message: String, metric: String? = nil,
                value: Double? = nil, baseline: Double? = nil, threshold: Double? = nil,
                details: JSONValue = .object([]), preexisting: Bool = false) {
        self.id = id
        self.status = status
        self.title = title
        self.message = message
        self.metric = metric
        self.value = value
        self.baseline = baseline
        self.threshold = threshold
        self.details = details
        self.preexisting = preexisting
    }

    /// The part of the id after the plugin name (`schema`, `drift/age`).
    public var localID: String {
        guard let slash = id.firstIndex(of: "/") else { return id }
        return String(id[id.index(after: slash)...])
    }

    /// The plugin name, the id's first component.
    public var pluginName: String {
        String(id.prefix { $0 != "/" })
    }
}

/// The checks of one plugin, with the time it took.
public struct PluginResult: Sendable, Equatable {
    public var name: String
    public var checks: [CheckResult]
    public var durationSeconds: Double

    public init(name: String, checks: [CheckResult], durationSeconds: Double) {
        self.name = name
        self.checks = checks
        self.durationSeconds = durationSeconds
    }

    public var status: Status { Status.worst(checks.map(\.status)) }
}
