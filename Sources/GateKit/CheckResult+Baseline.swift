extension CheckResult {
    /// Applies SPEC §3's rule for debt that main already has: a failure that the baseline
    /// shows as badly becomes a `warn` marked `preexisting`, unless the policy is strict.
    ///
    /// - Parameter baselineFailsAsBadly: the same check, evaluated at the baseline, fails with
    ///   a value at least as bad as head's.
    public func judgedAgainstBaseline(baselineFailsAsBadly: Bool, strict: Bool) -> CheckResult {
        guard status == .fail, baselineFailsAsBadly, !strict else { return self }
        var result = self
        result.status = .warn
        result.preexisting = true
        result.message += (result.message.hasSuffix(".") ? " " : ". ")
            + "This already fails at the baseline, so it does not block this PR (set checks.strict: true to make it)."
        return result
    }
}
