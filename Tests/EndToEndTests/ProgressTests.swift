import FixtureRepos
import Foundation
import Testing

/// Progress on stderr: in place on a terminal, one line per step in logs, none with --quiet.
@Suite struct ProgressTests {
    @Test func aTerminalSeesTrainingProgressInPlaceAndALogOneLineAStep() throws {
        let temp = try TemporaryDirectory("progress")
        let built = try Scenario.named("model-clean").build(at: temp.child("repo"))
        // `script` gives mlgate a terminal for its stderr.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["script", "-qec", "'\(MLGateBinary.path)' check --no-cache --json '\(temp.child("r.json"))'", temp.child("typescript")]
        process.currentDirectoryURL = URL(fileURLWithPath: built.path)
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let terminal = try String(contentsOfFile: temp.child("typescript"), encoding: .utf8)
        #expect(terminal.contains("\r\u{1B}[2Kmodel: training the candidate model, tree 1/60"))
        #expect(terminal.contains("tree 60/60"))

        let log = try MLGateBinary.run(["check", "--no-cache", "--json", temp.child("r2.json")], in: built.path)
        #expect(!log.stderr.contains("tree ") && !log.stderr.contains("\u{1B}"))
        // Reading and parsing are timed apart (the blob's bytes, then the rows).
        #expect(log.stderr.contains("read head train data/train.csv: ") && log.stderr.contains("3000 rows × 8 columns parsed in")
                && log.stderr.contains("rows/s)"), "\(log.stderr)")
        let quiet = try MLGateBinary.run(["check", "--quiet", "--json", temp.child("r3.json")], in: built.path)
        #expect(quiet.stderr.isEmpty)
    }
}
