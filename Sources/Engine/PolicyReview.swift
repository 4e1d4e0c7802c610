import GateKit

/// Decides which policy is in force and reports a pull request that changes it.
///
/// The policy is what a pull request is judged by, so everything in it comes from the reviewed
/// side, the baseline: the `checks:` section (thresholds, slices, tests), the protected
/// attributes (`features.protected`, `features.use_protected`), and the content of every file
/// the policy names (behavioural cases files). A PR that changes any of them is judged by the
/// baseline's and fails `policy/changed`, which shows what changed (files as a short diff),
/// unless the run is told the change is approved (`--allow-policy-change`), when head's applies.
struct PolicyReview {
    let baseline: ConfigurationLoader.Loaded?
    let head: ConfigurationLoader.Loaded
    /// The content of each file a policy names, at each side (nil where the file is absent).
    let baselineFiles: [String: [UInt8]?]
    let headFiles: [String: [UInt8]?]
    let allowChange: Bool
    let configPath: String
    /// Where the baseline keeps its configuration when the PR moved it (`--config` names a new path).
    var movedFrom: String? = nil
    /// The base branch's tip (`--base`), when it is not the merge-base: its configuration, the
    /// files its policy names, and how the user named it.
    var mainTip: (loaded: ConfigurationLoader.Loaded, files: [String: [UInt8]?], name: String)? = nil

    /// The policy's inputs of one side, as compared.
    struct Inputs: Equatable {
        var checks: Policy
        var protected: [String]
        var useProtected: [String]
        var files: [String: [UInt8]?]

        init(_ loaded: ConfigurationLoader.Loaded, files: [String: [UInt8]?]) {
            checks = loaded.configuration.checks
            protected = loaded.configuration.features.protected
            useProtected = loaded.configuration.features.useProtected
            self.files = files
        }
    }

    /// Whether the PR changes the policy: head against the merge-base, what the PR itself did.
    var changed: Bool {
        guard let baseline else { return false }
        return movedFrom != nil || Inputs(baseline, files: baselineFiles) != Inputs(head, files: headFiles)
    }

    /// Whether main changed its policy after the PR branched: then main's current one applies.
    var mainMovedOn: Bool {
        guard let mainTip, let baseline else { return false }
        return Inputs(mainTip.loaded, files: mainTip.files) != Inputs(baseline, files: baselineFiles)
    }

    /// The side whose policy applies: head's when its change is allowed; else main's current
    /// policy (the base tip's) when main moved on since the PR branched; else the merge-base's.
    var trusted: ConfigurationLoader.Loaded {
        guard let baseline, !(changed && allowChange) else { return head }
        if mainMovedOn, let mainTip { return mainTip.loaded }
        return baseline
    }

    /// The policy the plugins apply.
    var policy: Policy { trusted.configuration.checks }

    /// The files the applied policy names, as the trusted side has them.
    var policyFiles: [String: [UInt8]] {
        let files = baseline == nil || (changed && allowChange) ? headFiles : mainMovedOn ? (mainTip?.files ?? baselineFiles) : baselineFiles
        return files.compactMapValues { $0 }
    }

    /// A side's configuration with the trusted policy's protected attributes: fairness judges
    /// them and neither model trains on them, whatever the PR's own configuration says.
    func applyingPolicy(to configuration: Configuration) -> Configuration {
        var configuration = configuration
        configuration.features.protected = trusted.configuration.features.protected
        configuration.features.useProtected = trusted.configuration.features.useProtected
        configuration.checks = policy
        return configuration
    }

    /// `baseline` or `head`: where the applied policy came from, for the report.
    var source: String {
        baseline == nil || (changed && allowChange) ? "head" : mainMovedOn ? "base" : "baseline"
    }

    func check() -> CheckResult {
        let id = "policy/changed"
        let title = "Policy (checks:, protected attributes and the files they name, in \(configPath))"
        guard let baseline else {
            return CheckResult(id: id, status: .skip, title: title,
                               message: "the baseline has no \(configPath); head's policy applies as proposed")
        }
        guard changed else {
            if mainMovedOn, let mainTip {
                return CheckResult(id: id, status: .pass, title: title,
                                   message: "unchanged by this PR; main's policy changed since it branched, so main's current policy (at \(mainTip.name)) applies",
                                   details: .object([("diff", .strings(Self.lineDiff(old: baseline.checksText, new: mainTip.loaded.checksText))), ("source", .string("base"))]))
            }
            return CheckResult(id: id, status: .pass, title: title, message: "unchanged; the baseline's policy applies")
        }
        var diff: [String] = []
        var what: [String] = []
        if let movedFrom {
            what.append("the configuration's path (\(movedFrom) → \(configPath))")
            diff.append("configuration: \(movedFrom) → \(configPath)")
        }
        if baseline.configuration.checks != head.configuration.checks {
            what.append("checks:")
            diff += Self.lineDiff(old: baseline.checksText, new: head.checksText)
        }
        for (key, old, new) in [("features.protected", baseline.configuration.features.protected, head.configuration.features.protected),
                                ("features.use_protected", baseline.configuration.features.useProtected, head.configuration.features.useProtected)]
        where old != new {
            what.append(key)
            diff += ["- \(key): [\(old.joined(separator: ", "))]", "+ \(key): [\(new.joined(separator: ", "))]"]
        }
        for path in Set(baselineFiles.keys).union(headFiles.keys).sorted() {
            let old = baselineFiles[path] ?? nil, new = headFiles[path] ?? nil
            guard old != new else { continue }
            what.append(path)
            switch (old, new) {
            case (nil, _): diff.append("\(path): added by this PR")
            case (_, nil): diff.append("\(path): deleted by this PR")
            case let (old?, new?):
                diff.append("\(path):")
                let lines = Self.lineDiff(old: String(decoding: old, as: UTF8.self), new: String(decoding: new, as: UTF8.self))
                diff += lines.prefix(Self.fileDiffLines)
                if lines.count > Self.fileDiffLines { diff.append("… \(lines.count - Self.fileDiffLines) more changed lines") }
            }
        }
        let details: JSONValue = .object([("diff", .strings(diff)), ("allowed", .bool(allowChange)), ("changed", .strings(what))])
        let changes = what.isEmpty ? "the gate's policy" : what.joined(separator: ", ")
        if allowChange {
            return CheckResult(id: id, status: .warn, title: title,
                               message: "this pull request changes the gate's policy (\(changes)); allowed by --allow-policy-change, so head's policy applies",
                               details: details)
        }
        return CheckResult(id: id, status: .fail, title: title,
                           message: "this pull request changes the gate's policy (\(changes)), so it was judged by the baseline's; a maintainer can approve the change by running with --allow-policy-change",
                           details: details)
    }

    /// Lines of a changed policy file shown in the report; the rest are counted.
    static let fileDiffLines = 20

    /// A minimal line diff (`- old` / `+ new`), enough to show a reviewer what moved.
    static func lineDiff(old: String, new: String) -> [String] {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Longest common subsequence table; policies are a few dozen lines.
        var lcs = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var out: [String] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                i += 1; j += 1
            } else if i < a.count, j == b.count || lcs[i + 1][j] >= lcs[i][j + 1] {
                if !a[i].isEmpty { out.append("- \(a[i])") }
                i += 1
            } else {
                if !b[j].isEmpty { out.append("+ \(b[j])") }
                j += 1
            }
        }
        return out
    }
}

extension Gate {
    /// The check the gate makes itself, described as plugins describe theirs.
    public static let policyCatalog: [CheckDescription] = [
        CheckDescription("changed", "fails when a pull request changes the policy: checks:, features.protected / use_protected, a file the policy names, or the configuration's path (allow with --allow-policy-change)",
                         examples: [.init("policy-change", "changed", .fail), .init("policy-cases-rewritten", "changed", .fail),
                                    .init("clean", "changed", .pass)]),
    ]
}

