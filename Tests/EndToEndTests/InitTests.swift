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
        #expect(text.contains("    - customer_id") && text.contains("# id-like: a different value in every row"))
        // Protected attributes are a commented suggestion: fairness by them is the user's call.
        #expect(text.contains("protected: []") && text.contains("named like attributes of people here: [age, sex]"))
        #expect(text.contains("max_drop: {auc: 0.01}") && text.contains("min: {}") && text.contains("bootstrap: 1000"))
        #expect(text.contains("region: {type: categorical, values: [east, north, south, west]"))
        let check = try MLGateBinary.run(["check", "--worktree", "--base", "main", "--json", temp.child("r.json")], in: repo)
        #expect(check.status == 0, "\(check.stderr)")
        let again = try MLGateBinary.run(["init"], in: repo)
        #expect(again.status == 2 && again.stderr.contains("already exists; pass --force"))
        #expect(try MLGateBinary.run(["init", "--force", "--target", "sex", "--task", "binary"], in: repo).status == 0)
        #expect(try String(contentsOfFile: repo + "/mlgate.yml", encoding: .utf8).contains("target: sex"))
    }

    /// A census-like export with a pandas row-number column (empty header), a respondent id, an
    /// interview timestamp and a column that restates the label: each kept out of the features
    /// with a comment saying why, and the gate passes on the configuration written.
    @Test func keepsIndexTimestampAndLabelRestatingColumnsOutOfTheFeatures() throws {
        let temp = try TemporaryDirectory("init")
        let writer = try RepoWriter(initializingAt: temp.child("repo"))
        let source = try String(contentsOf: Scenario.fixturesDirectory.appendingPathComponent("census/train.csv"), encoding: .utf8)
        let lines = source.split(separator: "\n").enumerated().map { i, line -> String in
            if i == 0 { return line + ",income_band" }
            let label = line.split(separator: ",", omittingEmptySubsequences: false).last ?? ""
            return line + "," + (label.isEmpty ? "" : label == ">50K" ? "high" : "low")
        }
        try writer.commit(["data/train.csv": Array((lines.joined(separator: "\n") + "\n").utf8)], message: "data", parents: [], branch: "main")
        try writer.checkout(branch: "main")
        let run = try MLGateBinary.run(["init", "--target", "income"], in: writer.path)
        #expect(run.status == 0, "\(run.stderr)")
        let text = try String(contentsOfFile: writer.path + "/mlgate.yml", encoding: .utf8)
        #expect(text.contains("    - \"unnamed column 1\"  # no header: usually a row number an export wrote"), "\(text)")
        #expect(text.contains("    - respondent_id       # id-like: a different value in every row"))
        #expect(text.contains("    - income_band         # restates the target: its values pair one to one with the target's classes"))
        #expect(text.contains("\"Interview Date\": {type: datetime, max_null_fraction: 0.05}   # a date or timestamp: checked, not a model input"))
        #expect(text.contains("Age: {type: numeric, min: 10, max: 89,"))
        #expect(!text.contains("000000000"), "bounds at the data's own precision")
        let check = try MLGateBinary.run(["check", "--worktree", "--base", "main"], in: writer.path)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
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
