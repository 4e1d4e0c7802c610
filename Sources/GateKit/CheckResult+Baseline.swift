/// A limit a check's value must keep: the one shape of every threshold in the policy.
public struct Bound: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The value may not exceed the limit (`fail: 0.1`, `max_null_fraction`).
        case atMost
        /// The value may not fall under the limit (`min: 0.8`, `min_pass_rate`).
        case atLeast
        /// The value must stay under the limit (a single-feature AUC under 0.99).
        case below
    }

    public let kind: Kind
    public let limit: Double

    public static func atMost(_ limit: Double) -> Bound { Bound(kind: .atMost, limit: limit) }
    public static func atLeast(_ limit: Double) -> Bound { Bound(kind: .atLeast, limit: limit) }
    public static func below(_ limit: Double) -> Bound { Bound(kind: .below, limit: limit) }

    /// Whether `value` breaks the bound.
    public func isBroken(by value: Double) -> Bool {
        switch kind {
        case .atMost: value > limit
        case .atLeast: value < limit
        case .below: value >= limit
        }
    }

    /// Whether `other` is at least as bad as `value` on this bound's scale.
    func isAsBad(_ other: Double, as value: Double) -> Bool {
        kind == .atLeast ? other <= value : other >= value
    }
}

extension CheckResult {
    /// SPEC §3's one rule for a value against a bound. Within the bound the check stands as
    /// written. Beyond it the check fails, except that a failure the baseline shows as badly
    /// (its value breaks the bound at least as far) is main's debt: a `warn` marked
    /// `preexisting`, so it stays visible without blocking an unrelated PR — unless the policy
    /// is strict (`checks.strict: true`), when it fails too.
    ///
    /// - Parameters:
    ///   - value: head's value; `baseline`: the same check's value at the baseline, if any.
    public func judged(_ value: Double, against bound: Bound, baseline: Double?, strict: Bool) -> CheckResult {
        guard bound.isBroken(by: value) else { return self }
        var result = self
        result.status = .fail
        guard let baseline, bound.isBroken(by: baseline), bound.isAsBad(baseline, as: value), !strict else { return result }
        result.status = .warn
        result.preexisting = true
        result.message += (result.message.hasSuffix(".") ? " " : ". ")
            + "This already fails at the baseline, so it does not block this PR (set checks.strict: true to make it)."
        return result
    }
}
