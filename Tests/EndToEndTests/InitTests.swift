import FixtureRepos
import Foundation
import Testing

/// `mlgate init` on a repository that has data but no configuration.
@Suite struct InitTests {
    func repositoryWithData(_ temp: TemporaryDirectory) throws -> String {
        let writer = try RepoWriter(initializingAt: temp.child("repo"))
        let data = Scenario.fixturesDirectory.appendingPathComponent("clean/base/data")
        var files: [String: [UInt8]] = [:]
        for name in ["train.csv", "holdout.csv"] {
            files["data/\(name)"] = [UInt8](try Data(contentsOf: data.appendingPathComponent(name)))
        }
        try writer.commit(files, message: "data", parents: [], branch: "main")
        try writer.checkout(branch: "main")
        return writer.path
    }

    @Test func writesAConfigurationOnWhichTheGatePasses() throws {
        let temp = try TemporaryDirectory("init")
        let repo = try repositoryWithData(temp)
        let run = try MLGateBinary.run(["init"], in: repo)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("target 'approved', task binary, positive class '1'"))
        let text = try String(contentsOfFile: repo + "/mlgate.yml", encoding: .utf8)
        #expect(text.contains("train: data/train.csv") && text.contains("holdout: data/holdout.csv"))
        #expect(text.contains("ignore: [customer_id]") && text.contains("protected: [sex]"))
        #expect(text.contains("region: {type: categorical, values: [east, north, south, west]"))
        let check = try MLGateBinary.run(["check", "--worktree", "--base", "main", "--json", temp.child("r.json")], in: repo)
        #expect(check.status == 0, "\(check.stderr)")
        let again = try MLGateBinary.run(["init"], in: repo)
        #expect(again.status == 2 && again.stderr.contains("already exists; pass --force"))
        #expect(try MLGateBinary.run(["init", "--force", "--target", "sex", "--task", "binary"], in: repo).status == 0)
        #expect(try String(contentsOfFile: repo + "/mlgate.yml", encoding: .utf8).contains("target: sex"))
    }

    @Test func saysWhatIsMissing() throws {
        let temp = try TemporaryDirectory("init")
        let repo = try repositoryWithData(temp)
        let unknown = try MLGateBinary.run(["init", "--target", "nope"], in: repo)
        #expect(unknown.status == 2 && unknown.stderr.contains("--target nope: data/train.csv has no such column"))
        let absent = try MLGateBinary.run(["init", "--data", "data/other.csv"], in: repo)
        #expect(absent.status == 2 && absent.stderr.contains("data/other.csv is not committed at HEAD"))
        #expect(!FileManager.default.fileExists(atPath: repo + "/mlgate.yml"))
    }
}
