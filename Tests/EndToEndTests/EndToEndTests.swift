import FixtureRepos
import Foundation
import Testing
import XMLWriting

/// The real binary on real repositories: exit codes, stdout, stderr and report files.
@Suite struct EndToEndTests {
    static let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Schemas/junit-10.xsd").path

    func json(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    func statuses(_ report: [String: Any]) -> [String: String] {
        var result: [String: String] = [:]
        for plugin in report["plugins"] as? [[String: Any]] ?? [] {
            for check in plugin["checks"] as? [[String: Any]] ?? [] {
                result[check["id"] as? String ?? ""] = check["status"] as? String
            }
        }
        return result
    }

    @Test(arguments: try Scenario.all().map(\.name))
    func writesEveryReportWithTheExpectedExitCode(name: String) throws {
        let scenario = try Scenario.named(name)
        let temp = try TemporaryDirectory("e2e")
        let built = try scenario.build(at: temp.child("repo"), options: .init(detachedHead: true))
        let out = temp.child("out")
        let run = try MLGateBinary.run(["check", "--json", out + "/report.json", "--junit", out + "/junit.xml",
                                        "--markdown", out + "/report.md", "--html", out + "/report.html", "--base", "origin/main"], in: built.path)
        #expect(run.status == scenario.expect.exit, "\(name): \(run.stderr)")
        #expect(run.stdout.isEmpty)
        guard scenario.expect.exit != 2 else {
            #expect(run.stderr.split(separator: "\n").last?.hasPrefix("mlgate: error: ") == true)
            #expect(!FileManager.default.fileExists(atPath: out))
            return
        }
        let report = try json(out + "/report.json")
        let found = statuses(report)
        for (id, status) in scenario.expect.checks { #expect(found[id] == status, "\(name) \(id)") }
        #expect((report["head"] as? [String: Any])?["commit"] as? String == built.headCommit)
        #expect(report["merge_base"] as? String == built.baseCommit)
        let junit = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/junit.xml")))
        #expect(XMLSchemaValidator.validate(junit, schemaPath: Self.schema) == [])
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(html.hasPrefix("<!doctype html>") && html.utf8.count < 2_000_000 && html.contains(built.headCommit.prefix(8)))
        let markdown = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        let verdicts = scenario.expect.exit == 0 ? ["## ✅ mlgate: gate passed", "## ⚠️ mlgate: gate passed with warnings"] : ["## ❌ mlgate: gate failed", "## 🛑 mlgate: gate failed"]
        #expect(verdicts.contains { markdown.hasPrefix($0) }, "\(name): the Markdown starts \(markdown.prefix(60))")
    }

    @Test func printsASummaryWhenNoReportIsAsked() throws {
        let temp = try TemporaryDirectory("e2e")
        let built = try Scenario.named("schema-break").build(at: temp.child("repo"))
        let run = try MLGateBinary.run(["check"], in: built.path + "/data")
        #expect(run.status == 1)
        #expect(run.stdout.hasPrefix("mlgate 0.1.0: gate failed (exit 1)\n"))
        #expect(run.stdout.contains("FAIL  data-validation/schema"))
        #expect(run.stdout.contains("reproduce: mlgate check --base \(built.baseCommit.prefix(12)) --head \(built.headCommit.prefix(12)) --seed 42"))
        #expect(run.stderr.contains("merge-base of origin/HEAD and HEAD"))
        let quiet = try MLGateBinary.run(["check", "--quiet"], in: built.path)
        #expect(quiet.status == 1 && quiet.stdout.isEmpty && quiet.stderr.isEmpty)
    }

    @Test func usesTheGitHubBaseBranchAndIsDeterministic() throws {
        let temp = try TemporaryDirectory("e2e")
        let built = try Scenario.named("clean").build(at: temp.child("repo"), options: .init(detachedHead: true))
        var outputs: [String] = []
        for jobs in ["1", "2"] {
            let path = temp.child("report-\(jobs).json")
            let run = try MLGateBinary.run(["check", "-v", "--json", path, "--jobs", jobs, "--seed", "7"], in: built.path,
                                           environment: ["GITHUB_BASE_REF": "main"])
            #expect(run.status == 0, "\(run.stderr)")
            // On two threads the two models train side by side, a thread each; the report is the same.
            #expect(run.stderr.contains("model: baseline model trained on 600 rows in") && run.stderr.contains("the two fits side by side (a thread each)") == (jobs == "2"),
                    "\(run.stderr)")
            let report = try json(path)
            #expect((report["base"] as? [String: Any])?["rev"] as? String == "origin/main")
            #expect(report["seed"] as? Int == 7)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            outputs.append(text.split(separator: "\n").filter { !$0.contains("duration_seconds") }.joined(separator: "\n"))
        }
        #expect(outputs[0] == outputs[1])
    }

    /// Exit 2: one line on stderr that says what is wrong and how to fix it.
    @Test func cannotRunCasesExitTwoWithOneLine() throws {
        let temp = try TemporaryDirectory("e2e")
        let built = try Scenario.named("clean").build(at: temp.child("repo"))
        let lfs = try Scenario.named("lfs").build(at: temp.child("lfs"), options: .init(lfs: .objectsMissing))
        let cases: [([String], String, String)] = [
            (["check", "--frobnicate"], built.path, "Unknown option '--frobnicate'"),
            (["check", "--jobs", "0"], built.path, "--jobs must be at least 1"),
            (["check", "--head", "HEAD", "--worktree"], built.path, "exclude each other"),
            (["check", "--base", "no-such-branch"], built.path, "unknown revision 'no-such-branch'"),
            (["check", "--config", "other.yml"], built.path, "no other.yml at HEAD"),
            (["check", "--only", "fairnes"], built.path, "unknown plugin 'fairnes'"),
            (["check"], temp.path, "is not inside a git repository"),
            (["check"], lfs.path, "run `git lfs pull`"),
            (["launch"], built.path, "Unexpected argument 'launch'"),
        ]
        for (arguments, directory, message) in cases {
            let run = try MLGateBinary.run(arguments, in: directory)
            #expect(run.status == 2, "\(arguments): \(run.stderr)")
            let lines = run.stderr.split(separator: "\n").filter { $0.hasPrefix("mlgate: error:") }
            #expect(lines.count == 1 && lines[0].contains(message), "\(arguments): \(run.stderr)")
            #expect(run.stdout.isEmpty)
        }
    }

    /// libgit2 1.5 cannot make a shallow clone, so this test asks the git command for one.
    @Test func aShallowCloneExitsTwoWithTheFix() throws {
        let temp = try TemporaryDirectory("e2e")
        let built = try Scenario.named("clean").build(at: temp.child("origin"))
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        git.arguments = ["git", "clone", "--quiet", "--depth", "1", "--no-tags", "--branch", "feature", "file://\(built.path)", temp.child("clone")]
        try git.run()
        git.waitUntilExit()
        try #require(git.terminationStatus == 0)
        let run = try MLGateBinary.run(["check"], in: temp.child("clone"), environment: ["GITHUB_BASE_REF": "main"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("mlgate: error: unknown revision 'origin/main': the clone is shallow: fetch the full history (`fetch-depth: 0` on actions/checkout, or `git fetch --unshallow`)"))
    }

    @Test func helpVersionAndPluginsExitZero() throws {
        let version = try MLGateBinary.run(["--version"])
        #expect(version.status == 0 && version.stdout == "0.1.0\n")
        let help = try MLGateBinary.run(["check", "--help"])
        #expect(help.status == 0 && help.stdout.contains("--allow-policy-change") && help.stdout.contains("--worktree"))
        let top = try MLGateBinary.run(["--help"])
        #expect(top.status == 0 && top.stdout.contains("Exit status: 0 every check passed"))
        let plugins = try MLGateBinary.run(["plugins"])
        #expect(plugins.status == 0 && plugins.stdout.contains("data-validation/schema") && plugins.stdout.contains("policy/changed"))
    }
}
