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
