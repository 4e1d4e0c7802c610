import FixtureRepos
import Foundation
import Testing

/// Links a pull request commits lead nowhere outside the repository (issue #18): not into a
/// report's content, not as the place a report is written.
@Suite struct SymbolicLinkTests {
    @Test func aWorkingTreeLinkOutOfTheRepositoryIsRefusedNotRead() throws {
        let temp = try TemporaryDirectory("links")
        let built = try Scenario.named("clean").build(at: temp.child("repo"))
        let secret = temp.child("runner-secret.csv")
        try "customer_id,age,income,credit_score,region,sex,postcode,approved\nsecret-content,1,1,1,north,male,P1,1\n".write(toFile: secret, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: built.path + "/data/train.csv")
        try FileManager.default.createSymbolicLink(atPath: built.path + "/data/train.csv", withDestinationPath: secret)
        let out = temp.child("report.json")
        let run = try MLGateBinary.run(["check", "--worktree", "--json", out], in: built.path)
        #expect(run.status == 2)
        #expect(run.stderr.contains("data/train.csv in the working tree leads outside the repository"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(!run.stderr.contains("secret-content") && !run.stdout.contains("secret-content"))
    }

    @Test func aReportIsNeverWrittenThroughALink() throws {
        let temp = try TemporaryDirectory("links")
        let built = try Scenario.named("clean").build(at: temp.child("repo"))
        let outside = temp.child("outside")
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: built.path + "/mlgate-report", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: built.path + "/summary.md", withDestinationPath: outside + "/summary.md")
        for target in ["mlgate-report/report.json", "summary.md"] {
            let run = try MLGateBinary.run(["check", "--markdown", target], in: built.path)
            #expect(run.status == 2, "\(target): \(run.stderr)")
            #expect(run.stderr.contains("is a symbolic link; mlgate never writes a report through one"), "\(run.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty)
    }
}

/// A very wide table writes a report a reviewer can still read, with the verdict unchanged (#18).
@Suite struct WideTableTests {
    @Test func aPluginListsAtMostItsCheckLimitAndCountsTheRest() throws {
        let temp = try TemporaryDirectory("wide")
        let columns = 1_800
        func table(_ rows: Int, broken: Bool) -> String {
            var lines = [(0..<columns).map { "f\($0)" }.joined(separator: ",") + ",y"]
            for r in 0..<rows {
                lines.append((0..<columns).map { c in broken && c == columns - 1 && r % 2 == 0 ? "" : String((r * 7 + c) % 13) }.joined(separator: ",") + ",\(r % 2)")
            }
            return lines.joined(separator: "\n") + "\n"
        }
        let config = "target: y\ndata: {train: t.csv}\nschema:\n  f\(columns - 1): {max_null_fraction: 0.1}\n"
        let repo = try RealPullRequestTests.repository(temp, base: ["mlgate.yml": config, "t.csv": table(120, broken: false)],
                                                       head: ["mlgate.yml": config, "t.csv": table(120, broken: true)])
        let run = try RealPullRequestTests.check(repo, temp, ["--only", "data-validation"])
        #expect(run.status == 1, "the failing check among thousands still fails the gate: \(run.stderr)")
        let ids = run.checks.keys.filter { $0.hasPrefix("data-validation/") }
        #expect(ids.count == 5_000, "\(ids.count)")
        #expect(run.checks["data-validation/nulls/f\(columns - 1)"]?["status"] as? String == "fail", "failures are listed first")
        let more = try #require(run.checks["data-validation/more"])
        #expect((more["message"] as? String)?.contains("more checks are not listed") == true)
    }
}

extension WideTableTests {
    /// A 500 KB value reaches no report whole: messages and details are bounded per check (#18).
    @Test func aHugeValueIsCutFromMessagesAndDetails() throws {
        let temp = try TemporaryDirectory("huge")
        let huge = String(repeating: "z", count: 500_000)
        let rows = (0..<60).map { "\($0 % 7),\($0 % 2 == 0 ? "a" : "b"),\($0 % 2)" }
        let config = "target: y\ndata: {train: t.csv}\nschema:\n  c: {type: categorical, values: [a, b]}\n"
        let repo = try RealPullRequestTests.repository(temp, base: ["mlgate.yml": config, "t.csv": "x,c,y\n" + rows.joined(separator: "\n") + "\n"],
                                                       head: ["mlgate.yml": config, "t.csv": "x,c,y\n" + rows.joined(separator: "\n") + "\n1,\(huge),0\n"])
        let report = temp.child("report-huge.json")
        let run = try MLGateBinary.run(["check", "--base", "main", "--only", "data-validation", "--json", report], in: repo)
        #expect(run.status == 1, "\(run.stderr)")
        let size = try FileManager.default.attributesOfItem(atPath: report)[.size] as? Int ?? 0
        #expect(size < 200_000, "the report is \(size) bytes")
        let text = try String(contentsOfFile: report, encoding: .utf8)
        #expect(text.contains("more characters cut") || text.contains("bytes of details left out"))
    }
}
