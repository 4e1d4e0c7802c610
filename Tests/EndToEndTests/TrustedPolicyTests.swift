import FixtureRepos
import Foundation
import Testing

/// Nothing a PR changes can change how it is judged: every input of the policy is read from
/// the baseline, and a PR that changes one fails `policy/changed`, showing what changed.
@Suite struct TrustedPolicyTests {
    static let modelClean = Scenario.fixturesDirectory.appendingPathComponent("model-clean/base")

    static func baseFiles() throws -> [String: String] {
        var files: [String: String] = [:]
        for path in ["mlgate.yml", "data/train.csv", "data/holdout.csv", "tests/edge_cases.csv"] {
            files[path] = try String(contentsOf: modelClean.appendingPathComponent(path), encoding: .utf8)
        }
        return files
    }

    static func policyCheck(_ run: (status: Int32, checks: [String: [String: Any]], stderr: String)) throws -> (message: String, diff: [String]) {
        let check = try #require(run.checks["policy/changed"], "\(run.stderr)")
        let diff = (check["details"] as? [String: Any])?["diff"] as? [String] ?? []
        return (check["message"] as? String ?? "", diff)
    }

    @Test func deletingACasesFileIsAPolicyChangeAndTheBaselinesFileStillJudges() throws {
        let temp = try TemporaryDirectory("trusted")
        let base = try Self.baseFiles()
        var head = base
        head["tests/edge_cases.csv"] = nil
        let repo = try RealPullRequestTests.repository(temp, base: base, head: head)
        let run = try RealPullRequestTests.check(repo, temp, ["--only", "behavioural"])
        #expect(run.status == 1)
        let policy = try Self.policyCheck(run)
        #expect(policy.message.contains("changes the gate's policy (tests/edge_cases.csv)"), "\(policy.message)")
        #expect(policy.diff == ["tests/edge_cases.csv: deleted by this PR"])
        #expect(run.checks["behavioural/known edge cases"]?["status"] as? String == "pass")
    }

    @Test func addingATestWithItsOwnCasesFileIsAPolicyChange() throws {
        let temp = try TemporaryDirectory("trusted")
        let base = try Self.baseFiles()
        var head = base
        head["mlgate.yml"] = base["mlgate.yml"]!.replacingOccurrences(of: "  fairness:\n",
            with: "    - {name: easy cases, kind: cases, file: tests/easy.csv, min_pass_rate: 0.5}\n  fairness:\n")
        head["tests/easy.csv"] = base["tests/edge_cases.csv"]
        let repo = try RealPullRequestTests.repository(temp, base: base, head: head)
        let run = try RealPullRequestTests.check(repo, temp, ["--only", "behavioural"])
        #expect(run.status == 1)
        let policy = try Self.policyCheck(run)
        #expect(policy.message.contains("(checks:, tests/easy.csv)"), "\(policy.message)")
        #expect(policy.diff.contains("tests/easy.csv: added by this PR"))
        #expect(run.checks["behavioural/easy cases"] == nil, "the baseline's policy has no such test")
        // Approved, head's policy applies and its file is read.
        let allowed = try RealPullRequestTests.check(repo, temp, ["--only", "behavioural", "--allow-policy-change"])
        #expect(allowed.checks["policy/changed"]?["status"] as? String == "warn")
        #expect(allowed.checks["behavioural/easy cases"]?["status"] as? String == "pass")
    }

    @Test func movingTheConfigurationKeepsTheBaselinesPolicy() throws {
        let temp = try TemporaryDirectory("trusted")
        let base = try Self.baseFiles()
        var head = base
        head["mlgate.yml"] = nil
        head["ci/mlgate.yml"] = base["mlgate.yml"]!.replacingOccurrences(of: "max_drop: {auc: 0.02}", with: "max_drop: {auc: 0.5}")
        let repo = try RealPullRequestTests.repository(temp, base: base, head: head)
        let run = try RealPullRequestTests.check(repo, temp, ["--config", "ci/mlgate.yml", "--only", "model-evaluation"])
        #expect(run.status == 1)
        let policy = try Self.policyCheck(run)
        #expect(policy.message.contains("the configuration's path (mlgate.yml → ci/mlgate.yml), checks:"), "\(policy.message)")
        #expect(policy.diff.contains("-     max_drop: {auc: 0.02}") || policy.diff.contains { $0.hasPrefix("- ") && $0.contains("0.02") }, "\(policy.diff)")
    }

    @Test func anExternalPluginCannotTakeABuiltInPluginsName() throws {
        let temp = try TemporaryDirectory("trusted")
        var base = try Self.baseFiles()
        base["mlgate.yml"]! += "plugins:\n  - {name: fairness, command: [python3, checks/x.py]}\n"
        let repo = try RealPullRequestTests.repository(temp, base: base, head: base)
        let run = try RealPullRequestTests.check(repo, temp)
        #expect(run.status == 2)
        #expect(run.stderr.contains("plugins: 'fairness' is the name of a built-in plugin"), "\(run.stderr)")
    }

    @Test func declaringAPluginTwiceStopsTheRun() throws {
        let temp = try TemporaryDirectory("trusted")
        var base = try Self.baseFiles()
        base["mlgate.yml"]! += "plugins:\n  - {name: rows, command: [python3, a.py]}\n  - {name: rows, command: [python3, b.py]}\n"
        let repo = try RealPullRequestTests.repository(temp, base: base, head: base)
        let run = try RealPullRequestTests.check(repo, temp)
        #expect(run.status == 2)
        #expect(run.stderr.contains("two plugins are named 'rows'"), "\(run.stderr)")
    }
}

/// The policy of the base branch's tip: a PR branched before main tightened its policy is
/// judged by the tightened one, as it will be merged under it (issue #18).
@Suite struct MainTipPolicyTests {
    @Test func aPullRequestBranchedBeforeMainTightenedItsPolicyIsJudgedByTheTightenedOne() throws {
        let temp = try TemporaryDirectory("tip")
        let clean = Scenario.fixturesDirectory.appendingPathComponent("clean/base")
        var files: [String: [UInt8]] = [:]
        for path in ["mlgate.yml", "data/train.csv", "data/holdout.csv"] {
            files[path] = [UInt8](try Data(contentsOf: clean.appendingPathComponent(path)))
        }
        let strict = String(decoding: files["mlgate.yml"]!, as: UTF8.self)
        let loose = strict.replacingOccurrences(of: "drift: {statistic: psi, warn: 0.1, fail: 0.25, min_rows: 100}",
                                                with: "drift: {statistic: psi, warn: 5, fail: 9, min_rows: 100}")
        #expect(loose != strict)
        let writer = try RepoWriter(initializingAt: temp.child("repo"))
        var branchPoint = files
        branchPoint["mlgate.yml"] = Array(loose.utf8)
        let a = try writer.commit(branchPoint, message: "main, loose", parents: [], branch: "main")
        var pr = branchPoint
        pr["data/train.csv"] = [UInt8](try Data(contentsOf: Scenario.fixturesDirectory.appendingPathComponent("drift/head/data/train.csv")))
        _ = try writer.commit(pr, message: "the PR: a drifted export", parents: [a], branch: "pr")
        _ = try writer.commit(files, message: "main tightens drift", parents: [a], branch: "main")
        try writer.checkout(branch: "pr")
        let run = try RealPullRequestTests.check(writer.path, temp, ["--only", "data-validation"])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.checks["data-validation/drift/income"]?["status"] as? String == "fail")
        let policy = try #require(run.checks["policy/changed"])
        #expect(policy["status"] as? String == "pass")
        #expect((policy["message"] as? String)?.contains("main's current policy (at main) applies") == true, "\(policy)")
    }
}
