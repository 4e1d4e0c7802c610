import GateKit

/// `data-validation/drift/COL` and `data-validation/label-drift`: has the distribution moved?
///
/// Judged on PSI, an effect size, so that a large sample does not turn every negligible shift
/// into an alarm (the p-values of KS and chi-square are reported, never judged), and skipped
/// when either side has fewer than `min_rows` values to judge from.
struct DriftCheck {
    let id: String
    let title: String
    let head: ColumnData
    let baseline: ColumnData?
    let policy: DriftPolicy
    /// Treat numeric values as categories (class labels).
    var categorical = false

    func result() -> CheckResult {
        guard let baseline else {
            return CheckResult(id: id, status: .skip, title: title, message: "the baseline has no \(head.name) column to compare with")
        }
        guard baseline.kind == head.kind else {
            return CheckResult(id: id, status: .skip, title: title,
                               message: "\(head.name) changed type (\(baseline.kind.rawValue) → \(head.kind.rawValue)); see data-validation/schema")
        }
        let headCount = head.validCount, baselineCount = baseline.validCount
        guard headCount >= policy.minRows, baselineCount >= policy.minRows else {
            return CheckResult(id: id, status: .skip, title: title,
                               message: "too few values to judge drift (baseline \(baselineCount), head \(headCount); min_rows is \(policy.minRows))",
                               metric: "psi", details: .object([("baseline_count", .number(Double(baselineCount))), ("head_count", .number(Double(headCount)))]))
        }
        if head.kind == .numeric && !categorical {
            return numeric(baseline.distribution, head.distribution)
        }
        return categoricalResult(baseline.categoricalProfile, head.categoricalProfile)
    }

    /// Exact on values read whole; from quantile sketches on a streamed file, whose rank error
    /// (0 up to 65,536 values) bounds how far each edge and bin share can be off.
    private func numeric(_ b: Distribution, _ h: Distribution) -> CheckResult {
        let psi: PSI.Result, d: Double, m: Int, n: Int
        if case .remote(_, let drift?) = h {
            (psi, d, m, n) = (PSI.binned(edges: drift.edges, baseline: drift.baseline, head: drift.head), drift.ks, b.count, h.count)
        } else if case .sorted(let bv) = b, case .sorted(let hv) = h {
            (psi, d, m, n) = (PSI.numeric(sortedBaseline: bv, sortedHead: hv), KolmogorovSmirnov.statistic(bv, hv), bv.count, hv.count)
        } else {
            let bw = b.weighted, hw = h.weighted
            (psi, d, m, n) = (PSI.numeric(baseline: b, weightedBaseline: bw, weightedHead: hw), KolmogorovSmirnov.statistic(weighted: bw, hw), b.count, h.count)
        }
        let p = KolmogorovSmirnov.pValue(d: d, m: m, n: n)
        var details: [(String, JSONValue)] = [
            ("psi", .number(psi.psi)), ("ks_statistic", .number(d)), ("ks_pvalue", .number(p)),
            ("baseline_count", .number(Double(m))), ("head_count", .number(Double(n))),
            ("baseline_mean", .number(b.mean)), ("head_mean", .number(h.mean)),
            ("baseline_median", .number(b.quantile(0.5))), ("head_median", .number(h.quantile(0.5))),
            ("edges", .array(psi.edges.map { .number($0) })),
            ("bins", Self.bins(psi.bins)),
            ("moved", Self.bins(Self.moved(psi.bins))),
        ]
        let rankError = max(b.rankError, h.rankError)
        if rankError > 0 { details.append(("rank_error", .number(rankError))) }
        let extra = "KS D \(Presentation.number(d)), p \(Self.pText(p)); mean \(Presentation.number(b.mean)) → \(Presentation.number(h.mean))"
        return judged(psi, extra: extra, details: .object(details))
    }

    /// Fewer values per category than this on either side, and a category's share is mostly
    /// sampling noise: the rule of thumb behind chi-square's "expected count ≥ 5".
    static let minValuesPerCategory = 5

    private func categoricalResult(_ b: CategoricalProfile, _ h: CategoricalProfile) -> CheckResult {
        let categories = Set(b.counts.map(\.level)).union(h.counts.map(\.level)).count
        if min(b.count, h.count) < Self.minValuesPerCategory * categories {
            return CheckResult(id: id, status: .skip, title: title,
                               message: "too few values per category to judge drift (\(categories) categories, baseline \(b.count) and head \(h.count) values; needs \(Self.minValuesPerCategory) per category): PSI here would measure sampling noise",
                               metric: "psi", details: .object([("categories", .number(Double(categories))), ("baseline_count", .number(Double(b.count))), ("head_count", .number(Double(h.count)))]))
        }
        var labels = b.counts.map(\.level)
        var index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        var baselineCounts = b.counts.map(\.count)
        var headCounts = [Int](repeating: 0, count: labels.count)
        for (level, count) in h.counts {
            if let i = index[level] {
                headCounts[i] = count
            } else {
                index[level] = labels.count
                labels.append(level)
                baselineCounts.append(0)
                headCounts.append(count)
            }
        }
        let psi = PSI.categorical(labels: labels, baseline: baselineCounts, head: headCounts)
        let chi = ChiSquare.test(baseline: baselineCounts, head: headCounts)
        let details: JSONValue = .object([
            ("psi", .number(psi.psi)), ("chi2_statistic", .number(chi.statistic)), ("chi2_dof", .number(Double(chi.degreesOfFreedom))),
            ("chi2_pvalue", .number(chi.pValue)),
            ("baseline_count", .number(Double(b.count))), ("head_count", .number(Double(h.count))),
            ("bins", Self.bins(psi.bins)), ("moved", Self.bins(Self.moved(psi.bins))),
        ])
        return judged(psi, extra: "chi-square p \(Self.pText(chi.pValue))", details: details)
    }

    private func judged(_ psi: PSI.Result, extra: String, details: JSONValue) -> CheckResult {
        let value = psi.psi
        let moved = Self.moved(psi.bins).prefix(3).map {
            "\($0.label) \(Presentation.fraction($0.baseline)) → \(Presentation.fraction($0.head)) (\(Presentation.number($0.contribution)))"
        }
        let movedText = moved.isEmpty ? "" : "; largest contributions to PSI: " + moved.joined(separator: ", ")
        let status: Status
        let threshold: Double
        let verdict: String
        if value >= policy.fail {
            (status, threshold, verdict) = (.fail, policy.fail, "PSI \(Presentation.number(value)) ≥ fail \(Presentation.number(policy.fail)): \(head.name) shifted significantly")
        } else if value >= policy.warn {
            (status, threshold, verdict) = (.warn, policy.warn, "PSI \(Presentation.number(value)) ≥ warn \(Presentation.number(policy.warn)): \(head.name) shifted moderately")
        } else {
            (status, threshold, verdict) = (.pass, policy.warn, "PSI \(Presentation.number(value)) < \(Presentation.number(policy.warn))")
        }
        return CheckResult(id: id, status: status, title: title, message: "\(verdict)\(status == .pass ? "" : movedText) (\(extra))",
                           metric: "psi", value: value, threshold: threshold, details: details)
    }

    /// The bins that contribute most to PSI, largest term (h − b)·ln(h/b) first: what moved
    /// the statistic, which is not always the bin whose share moved most (a category going
    /// from 0.1% to 2% weighs more than one going from 40% to 42%).
    static func moved(_ bins: [PSI.Bin]) -> [PSI.Bin] {
        Array(bins.enumerated().sorted {
            let a = $0.element.contribution, b = $1.element.contribution
            return a != b ? a > b : $0.offset < $1.offset
        }.map(\.element).prefix(5))
    }

    static func bins(_ bins: [PSI.Bin]) -> JSONValue {
        .array(bins.map { .object([("bin", .string($0.label)), ("baseline", .number($0.baseline)), ("head", .number($0.head)),
                                   ("contribution", .number($0.contribution))]) })
    }

    static func pText(_ p: Double) -> String {
        p < 1e-4 ? "< 0.0001" : Presentation.number(p)
    }
}
