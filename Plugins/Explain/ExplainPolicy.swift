import GateKit

/// `checks.explain`: how much of the change to explain, and the few limits a team may gate on.
/// Every limit is off by default: the plugin informs unless told to judge.
public struct ExplainPolicy: PolicySection {
    /// Example rows shown per group (added, removed, label issues).
    public var examples = 3
    /// Resamples of every bootstrap interval the plugin reports.
    public var bootstrap = 1000
    public var negativeFlips = NegativeFlips()
    public var slices = Slices()
    public var attribution = Attribution()
    public var labelIssues = LabelIssues()

    public init() {}

    /// `negative_flips`: rows the baseline model got right and the candidate gets wrong.
    public struct NegativeFlips: Sendable, Equatable {
        /// The largest negative flip rate allowed; nil: reported, not judged.
        public var max: Double?
        /// Regression: by how much a row's absolute error must grow to count as a flip (target
        /// units); nil: a tenth of the holdout target's standard deviation.
        public var tolerance: Double?
        enum Key: String, CaseIterable { case max, tolerance }
    }

    /// `slices`: the search for where the candidate got worse.
    public struct Slices: Sendable, Equatable {
        /// Rows a slice needs to be reported.
        public var minRows = 30
        /// Slices reported.
        public var top = 5
        /// Quantile bins of a numeric feature (edges from the baseline's training data).
        public var bins = 8
        /// Features whose pairs are searched (the ones with the strongest single slices).
        public var pairFeatures = 12
        enum Key: String, CaseIterable {
            case top, bins
            case minRows = "min_rows"
            case pairFeatures = "pair_features"
        }
    }

    /// `attribution`: which features each model leans on (TreeSHAP / linear contributions).
    public struct Attribution: Sendable, Equatable {
        /// Holdout rows explained (a sample chosen by row content when there are more).
        public var rows = 1000
        /// The largest ranking shift allowed (1 − nDCG of the baseline's ranking under the
        /// candidate's); nil: reported, not judged.
        public var maxShift: Double?
        enum Key: String, CaseIterable {
            case rows
            case maxShift = "max_shift"
        }
    }

    /// `label_issues`: confident learning on the rows the PR adds.
    public struct LabelIssues: Sendable, Equatable {
        public var folds = 5
        /// Training rows the out-of-fold models use at most (added rows first).
        public var maxRows = 50_000
        /// The largest share of added rows whose label may look wrong; nil: reported, not judged.
        public var maxFraction: Double?
        enum Key: String, CaseIterable {
            case folds
            case maxRows = "max_rows"
            case maxFraction = "max_fraction"
        }
    }

    enum Key: String, CaseIterable {
        case examples, bootstrap, slices, attribution
        case negativeFlips = "negative_flips"
        case labelIssues = "label_issues"
    }

    public init(parsing node: ConfigNode, task: TaskKind) throws(ConfigurationError) {
        self.init()
        if node.isNull { return }
        for (key, value) in try node.fields(Key.self) {
            switch key {
            case .examples: examples = try value.int(in: 0...20)
            case .bootstrap: bootstrap = try value.int(in: 0...100_000)
            case .negativeFlips:
                for (key, item) in try value.fields(NegativeFlips.Key.self) {
                    switch key {
                    case .max: negativeFlips.max = try item.double(in: 0...1)
                    case .tolerance: negativeFlips.tolerance = try item.double(in: 0...Double.greatestFiniteMagnitude)
                    }
                }
            case .slices:
                for (key, item) in try value.fields(Slices.Key.self) {
                    switch key {
                    case .minRows: slices.minRows = try item.int(in: 1...Int.max)
                    case .top: slices.top = try item.int(in: 1...100)
                    case .bins: slices.bins = try item.int(in: 2...64)
                    case .pairFeatures: slices.pairFeatures = try item.int(in: 0...64)
                    }
                }
            case .attribution:
                for (key, item) in try value.fields(Attribution.Key.self) {
                    switch key {
                    case .rows: attribution.rows = try item.int(in: 1...1_000_000)
                    case .maxShift: attribution.maxShift = try item.double(in: 0...1)
                    }
                }
            case .labelIssues:
                for (key, item) in try value.fields(LabelIssues.Key.self) {
                    switch key {
                    case .folds: labelIssues.folds = try item.int(in: 2...20)
                    case .maxRows: labelIssues.maxRows = try item.int(in: 100...Int.max)
                    case .maxFraction: labelIssues.maxFraction = try item.double(in: 0...1)
                    }
                }
            }
        }
    }
}
