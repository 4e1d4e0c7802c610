import GateKit

/// `data-validation/drift/COL` and `data-validation/label-drift`: has the distribution moved?
///
/// Judged on PSI, an effect size, so that a large sample does not turn every negligible shift
/// into an alarm (the p-values of KS and chi-square are reported, never judged), and skipped
/// when either side has fewer than `min_rows` values to judge from.
struct DriftCheck {
    let id: String
    let title: String
    let head: Column
    let baseline: Column?
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
        if head.kind == .numeric && !categorical, let h = head.numericValues, let b = baseline.numericValues {
            return numeric(RadixSort.sortedNonMissing(b), RadixSort.sortedNonMissing(h))
        }
        return categoricalResult(CategoricalProfile(column: baseline), CategoricalProfile(column: head))
    }

    private func numeric(_ b: [Double], _ h: [Double]) -> CheckResult {
        let psi = PSI.numeric(sortedBaseline: b, sortedHead: h)
        let d = KolmogorovSmirnov.statistic(b, h)
        let p = KolmogorovSmirnov.pValue(d: d, m: b.count, n: h.count)
        let summary = NumericProfile(sorted: b, nulls: 0), headSummary = NumericProfile(sorted: h, nulls: 0)
        let details: JSONValue = .object([
            ("psi", .number(psi.psi)), ("ks_statistic", .number(d)), ("ks_pvalue", .number(p)),
            ("baseline_count", .number(Double(b.count))), ("head_count", .number(Double(h.count))),
            ("baseline_mean", .number(summary.mean)), ("head_mean", .number(headSummary.mean)),
            ("baseline_median", .number(summary.median)), ("head_median", .number(headSummary.median)),
            ("edges", .array(psi.edges.map { .number($0) })),
            ("bins", Self.bins(psi.bins)),
            ("moved", Self.bins(Self.moved(psi.bins))),
        ])
        let extra = "KS D \(Presentation.number(d)), p \(Self.pText(p)); mean \(Presentation.number(summary.mean)) → \(Presentation.number(headSummary.mean))"
        return judged(psi, extra: extra, details: details)
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
        let moved = Self.moved(psi.bins).prefix(3).map { "\($0.label) \(Presentation.fraction($0.baseline)) → \(Presentation.fraction($0.head))" }
        let movedText = moved.isEmpty ? "" : "; moved most: " + moved.joined(separator: ", ")
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

    /// Bins ordered by how far their share moved, largest first.
    static func moved(_ bins: [PSI.Bin]) -> [PSI.Bin] {
        Array(bins.enumerated().sorted {
            let a = abs($0.element.head - $0.element.baseline), b = abs($1.element.head - $1.element.baseline)
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
