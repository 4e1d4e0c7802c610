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
