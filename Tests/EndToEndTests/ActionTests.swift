import FixtureRepos
import Foundation
import Testing

/// The GitHub Action's gate step (action/run.sh), run locally with GitHub's variables set.
@Suite struct ActionTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("action/run.sh").path

    struct Step { let status: Int32; let stderr: String; let summary: String; let outputs: [String: String] }

    func runStep(_ scenario: String, failOn: String, _ temp: TemporaryDirectory) throws -> Step {
        let built = try Scenario.named(scenario).build(at: temp.child("repo"), options: .init(detachedHead: true))
        let summary = temp.child("summary.md"), output = temp.child("output.txt")
        FileManager.default.createFile(atPath: summary, contents: nil)
        FileManager.default.createFile(atPath: output, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.script]
        process.currentDirectoryURL = URL(fileURLWithPath: built.path)
        var environment = ProcessInfo.processInfo.environment
        environment.merge(["MLGATE": MLGateBinary.path, "MLGATE_FAIL_ON": failOn, "MLGATE_REPORTS": temp.child("reports"),
                           "GITHUB_BASE_REF": "main", "GITHUB_STEP_SUMMARY": summary, "GITHUB_OUTPUT": output,
                           "XDG_CACHE_HOME": "/proc/mlgate-no-cache"]) { $1 }
        process.environment = environment
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let outputs = Dictionary(uniqueKeysWithValues: try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").map { line in
            let parts = line.split(separator: "=", maxSplits: 1)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        })
        return Step(status: process.terminationStatus, stderr: stderr, summary: try String(contentsOfFile: summary, encoding: .utf8), outputs: outputs)
    }

    @Test func aFailingGateFailsTheStepWithAnnotationsAndASummary() throws {
        let temp = try TemporaryDirectory("action")
        let step = try runStep("schema-break", failOn: "fail", temp)
        #expect(step.status == 1)
        #expect(step.outputs["status"] == "fail" && step.outputs["junit"] == temp.child("reports") + "/junit.xml")
        #expect(step.summary.hasPrefix("## ❌ mlgate: gate failed"))
        #expect(step.stderr.contains("::error file=data/train.csv,title=data-validation/schema::removed column 'credit_score'"))
        #expect(step.stderr.contains("merge-base of origin/main"))
        #expect(FileManager.default.fileExists(atPath: temp.child("reports") + "/report.html"))
    }

    @Test func failOnNeverReportsWithoutFailing() throws {
        let temp = try TemporaryDirectory("action")
        let step = try runStep("schema-break", failOn: "never", temp)
        #expect(step.status == 0 && step.outputs["status"] == "fail")
    }

    @Test func aGateThatCannotRunSaysWhy() throws {
        let temp = try TemporaryDirectory("action")
        let step = try runStep("config-error", failOn: "fail", temp)
        #expect(step.status == 2 && step.outputs["status"] == "cannot-run")
        #expect(step.stderr.contains("::error file=mlgate.yml,title=mlgate could not run::mlgate: error: mlgate.yml@HEAD:4: targt: unknown key"))
    }
}
