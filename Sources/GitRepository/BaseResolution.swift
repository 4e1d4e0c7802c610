/// Finds the baseline revision the way SPEC §1 orders it.
public enum BaseResolution {
    /// The candidates, in order, for an environment: CI-provided ones first.
    public static func candidates(environment: [String: String]) -> [String] {
        var list: [String] = []
        if let ref = environment["GITHUB_BASE_REF"], !ref.isEmpty { list.append("origin/\(ref)") }
        if let sha = environment["CI_MERGE_REQUEST_DIFF_BASE_SHA"], !sha.isEmpty { list.append(sha) }
        return list + ["origin/HEAD", "origin/main", "main", "master"]
    }

    /// The first candidate that exists, with the commit it names.
    ///
    /// A CI variable that is set but does not resolve is an error, not a reason to fall back to a
    /// local branch: in CI that means the checkout lacks the base (usually a shallow clone), and
    /// silently comparing against something else would judge the wrong diff.
    public static func resolve(in repository: Repository, environment: [String: String]) throws(GitError) -> (rev: String, commit: ObjectID) {
        let all = candidates(environment: environment)
        let fromCI = all.count - 4
        for (index, candidate) in all.enumerated() {
            do {
                return (candidate, try repository.resolve(candidate))
            } catch {
                if index < fromCI { throw GitError.unknownRevision(candidate, shallow: repository.isShallow) }
            }
        }
        throw GitError.noDefaultBase(tried: all, shallow: repository.isShallow)
    }
}
