import Engine
import PluginRegistry
import FixtureRepos
import Foundation
import GateKit
import GitRepository
import Testing

/// The engine on real repositories built from every fixture scenario.
@Suite struct GateTests {
    func options(_ path: String, _ edit: (inout GateOptions) -> Void = { _ in }) -> GateOptions {
        var options = GateOptions(repository: path, jobs: 2, environment: [:])
        edit(&options)
        return options
    }

    func statuses(_ report: GateReport) -> [String: String] {
        Dictionary(uniqueKeysWithValues: report.allChecks.map { ($0.id, $0.status.rawValue) })
    }

    @Test(arguments: try Scenario.all().map(\.name))
    func everyScenarioEndsAsItsManifestSays(name: String) throws {
        let scenario = try Scenario.named(name)
        let temp = try TemporaryDirectory("gate")
        let built = try scenario.build(at: temp.child("repo"))
        do {
            let report = try Gate().run(options(built.path))
            #expect(report.exitCode == scenario.expect.exit, "\(name): \(report.allChecks.map { "\($0.id) \($0.status): \($0.message)" })")
            let found = statuses(report)
            for (id, status) in scenario.expect.checks { #expect(found[id] == status, "\(name): \(id)") }
            #expect(report.head.commit == built.headCommit && report.mergeBase == built.baseCommit)
        } catch {
            #expect(scenario.expect.exit == 2, "\(name) could not run: \(error)")
        }
    }

    @Test func aConfigErrorNamesTheFileRevisionLineAndKey() throws {
        let temp = try TemporaryDirectory("gate")
        let built = try Scenario.named("config-error").build(at: temp.child("repo"))
        #expect {
            try Gate().run(options(built.path))
        } throws: { error in
            "\(error)".hasPrefix("mlgate.yml@HEAD:4: targt: unknown key; did you mean 'target'?")
        }
    }

    @Test func anAllowedPolicyChangeWarnsAndAppliesHeadsPolicy() throws {
        let temp = try TemporaryDirectory("gate")
        let built = try Scenario.named("policy-change").build(at: temp.child("repo"))
        let blocked = try Gate().run(options(built.path))
        let check = try #require(blocked.allChecks.first { $0.id == "policy/changed" })
        #expect(check.status == .fail && blocked.policy == .init(source: "baseline", changed: true))
        #expect(check.details["diff"]?.arrayValue?.compactMap(\.stringValue).contains("+     warn: 0.5") == true
            || check.details["diff"]?.arrayValue?.contains { $0.stringValue?.contains("0.9") == true } == true)
        let allowed = try Gate().run(options(built.path) { $0.allowPolicyChange = true })
        #expect(allowed.allChecks.first { $0.id == "policy/changed" }?.status == .warn)
        #expect(allowed.policy == .init(source: "head", changed: true) && allowed.exitCode == 0)
    }

    @Test func aBaselineWithoutConfigurationUsesHeadsPolicyAndSaysSo() throws {
        let temp = try TemporaryDirectory("gate")
        let writer = try RepoWriter(initializingAt: temp.child("repo"))
        let clean = Scenario.fixturesDirectory.appendingPathComponent("clean/base")
        let files = try ["mlgate.yml", "data/train.csv", "data/holdout.csv"].reduce(into: [String: [UInt8]]()) {
            $0[$1] = [UInt8](try Data(contentsOf: clean.appendingPathComponent($1)))
        }
        let base = try writer.commit(["README.md": Array("x\n".utf8)], message: "before mlgate", parents: [], branch: "main")
        try writer.commit(files, message: "adopt mlgate", parents: [base], branch: "feature")
        try writer.checkout(branch: "feature")
        let report = try Gate().run(options(writer.path) { $0.base = "main" })
        #expect(report.allChecks.first { $0.id == "policy/changed" }?.status == .skip)
        #expect(report.policy == .init(source: "head", changed: false))
        #expect(report.allChecks.first { $0.id == "data-validation/schema" }?.message.contains("baseline has no") == true)
        #expect(Set(report.changedPaths) == ["README.md", "mlgate.yml", "data/train.csv", "data/holdout.csv"])
    }

    @Test func worktreeModeJudgesUncommittedChanges() throws {
        let temp = try TemporaryDirectory("gate")
        let built = try Scenario.named("clean").build(at: temp.child("repo"))
        let train = built.path + "/data/train.csv"
        let text = try String(contentsOfFile: train, encoding: .utf8)
        let withoutRegion = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).enumerated().filter { $0.offset != 4 }.map(\.element).joined(separator: ",") }
        try (withoutRegion.joined(separator: "\n") + "\n").write(toFile: train, atomically: true, encoding: .utf8)
        let committed = try Gate().run(options(built.path))
        #expect(committed.exitCode == 0)
        let worktree = try Gate().run(options(built.path) { $0.worktree = true })
        #expect(worktree.exitCode == 1 && worktree.head.rev == "worktree")
        #expect(worktree.allChecks.first { $0.id == "data-validation/schema" }?.message.contains("removed column 'region'") == true)
    }

    @Test func readsTheRepositoryFromASubdirectoryAndALinkedWorktree() throws {
        let temp = try TemporaryDirectory("gate")
        let built = try Scenario.named("schema-break").build(at: temp.child("repo"))
        #expect(try Gate().run(options(built.path + "/data")).exitCode == 1)
        let writer = try RepoWriter(initializingAt: temp.child("repo"))   // reopens the same repository
        try writer.checkout(branch: "main")
        try writer.addWorktree(named: "pr", at: temp.child("pr"), branch: "feature")
        let report = try Gate().run(options(temp.child("pr")) { $0.base = "main" })
        #expect(report.exitCode == 1 && report.head.commit == built.headCommit)
    }

    @Test func readsDataStoredInGitLFS() throws {
        let temp = try TemporaryDirectory("gate")
        let present = try Scenario.named("lfs").build(at: temp.child("present"), options: .init(lfs: .objectsPresent))
        #expect(try Gate().run(options(present.path)).exitCode == 0)
        let missing = try Scenario.named("lfs").build(at: temp.child("missing"), options: .init(lfs: .objectsMissing))
        #expect { try Gate().run(options(missing.path)) } throws: { "\($0)".contains("git lfs pull") }
    }

    @Test func cannotRunErrorsSayWhatToDo() throws {
        let temp = try TemporaryDirectory("gate")
        let built = try Scenario.named("clean").build(at: temp.child("repo"))
        let cases: [(GateOptions, String)] = [
            (options(built.path) { $0.base = "nope" }, "unknown revision 'nope'"),
            (options(built.path) { $0.head = "HEAD~9" }, "unknown revision 'HEAD~9'"),
            (options(built.path) { $0.only = ["drift"] }, "unknown plugin 'drift'"),
            (options(built.path) { $0.configPath = "missing.yml" }, "no missing.yml at HEAD"),
            (options(built.path) { $0.configPath = "../x.yml" }, "inside the repository"),
            (options(temp.path), "is not inside a git repository"),
        ]
        for (options, message) in cases {
            #expect { try Gate().run(options) } throws: { error in
                let text = "\(error)"
                return text.contains(message) && !text.contains("\n")
            }
        }
    }

    @Test func aMissingDataFileAtHeadIsAnErrorAtTheBaselineNothingToCompare() throws {
        let temp = try TemporaryDirectory("gate")
        let writer = try RepoWriter(initializingAt: temp.child("repo"))
        let config = Array("target: y\ndata: {train: data/train.csv, holdout: data/holdout.csv}\n".utf8)
        let base = try writer.commit(["mlgate.yml": config, "data/train.csv": Array("x,y\n1,0\n2,1\n".utf8)], message: "base", parents: [], branch: "main")
        try writer.commit(["mlgate.yml": config, "data/train.csv": Array("x,y\n1,0\n".utf8)], message: "head", parents: [base], branch: "feature")
        try writer.checkout(branch: "feature")
        #expect { try Gate().run(options(writer.path) { $0.base = "main" }) } throws: { "\($0)".contains("data.holdout is data/holdout.csv, which does not exist") }
    }

    @Test func malformedDataIsAnErrorNamingFileAndLine() throws {
        let temp = try TemporaryDirectory("gate")
        let writer = try RepoWriter(initializingAt: temp.child("repo"))
        let config = Array("target: y\ndata: {train: data/train.csv}\n".utf8)
        let base = try writer.commit(["mlgate.yml": config, "data/train.csv": Array("x,y\n1,0\n".utf8)], message: "base", parents: [], branch: "main")
        try writer.commit(["mlgate.yml": config, "data/train.csv": Array("x,y\n1,0\n2,\"1\n".utf8)], message: "head", parents: [base], branch: "feature")
        try writer.checkout(branch: "feature")
        #expect { try Gate().run(options(writer.path) { $0.base = "main" }) } throws: { error in
            "\(error)".hasPrefix("data/train.csv@") && "\(error)".contains(":3: a quoted field opened here is never closed")
        }
    }

    @Test func modifiesNothingInTheRepository() throws {
        let temp = try TemporaryDirectory("gate")
        let built = try Scenario.named("schema-break").build(at: temp.child("repo"))
        let before = try DirectorySnapshot.take(built.path)
        _ = try Gate().run(options(built.path))
        _ = try Gate().run(options(built.path) { $0.worktree = true })
        _ = try? Gate().run(options(built.path) { $0.base = "nope" })
        #expect(try DirectorySnapshot.take(built.path) == before)
    }
}

extension Gate {
    /// The gate with the built-in plugins, as the CLI's registry lists them.
    init() {
        self.init(plugins: PluginRegistry.all)
    }
}
