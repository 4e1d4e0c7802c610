import Engine
import FixtureRepos
import Foundation
import GateKit
import Testing

/// External plugins (SPEC §6): trust, the protocol, and every way a plugin can go wrong.
@Suite struct ExternalPluginTests {
    static let data = Array("x,y\n1,0\n2,1\n3,0\n".utf8)

    /// A repository whose baseline declares `baselinePlugins` and whose head declares `headPlugins`.
    func repository(_ temp: TemporaryDirectory, baselinePlugins: String, headPlugins: String,
                    baseFiles: [String: String] = [:], headFiles: [String: String] = [:]) throws -> String {
        let writer = try RepoWriter(initializingAt: temp.child("repo"))
        func files(_ plugins: String, _ extra: [String: String]) -> [String: [UInt8]] {
            var all: [String: [UInt8]] = ["t.csv": Self.data,
                                          "mlgate.yml": Array("target: y\ndata: {train: t.csv}\nplugins:\n\(plugins)".utf8)]
            for (path, text) in extra { all[path] = Array(text.utf8) }
            return all
        }
        let base = try writer.commit(files(baselinePlugins, baseFiles), message: "base", parents: [], branch: "main")
        try writer.commit(files(headPlugins, headFiles), message: "head", parents: [base], branch: "feature")
        try writer.checkout(branch: "feature")
        return writer.path
    }

    func run(_ path: String, allow: Bool = false) throws -> GateReport {
        var options = GateOptions(repository: path, jobs: 1, environment: ["PATH": "/usr/bin:/bin"])
        options.base = "main"
        options.only = ["data-validation"] + (try ExternalPluginTests.names(path))
        options.allowPlugins = allow
        return try Gate().run(options)
    }

    static func names(_ path: String) throws -> [String] {
        let text = try String(contentsOfFile: path + "/mlgate.yml", encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            guard let range = line.range(of: "name: ") else { return nil }
            return String(line[range.upperBound...].prefix { $0 != "," && $0 != "}" })
        }
    }

    static let passing = """
    import json, sys
    request = json.load(sys.stdin)
    print(json.dumps({"protocol": "mlgate.plugin/v1", "checks": [{"id": "ok", "status": "pass", "message": request["head"]["commit"][:7]}]}))
    """

    @Test func runsTheBaselinesVersionOfItsProgram() throws {
        let temp = try TemporaryDirectory("plugin")
        let failing = "print('{\"protocol\": \"mlgate.plugin/v1\", \"checks\": [{\"id\": \"ok\", \"status\": \"fail\"}]}')\n"
        let path = try repository(temp, baselinePlugins: "  - {name: probe, command: [python3, check.py]}\n",
                                  headPlugins: "  - {name: probe, command: [python3, check.py]}\n",
                                  baseFiles: ["check.py": Self.passing], headFiles: ["check.py": failing])
        let report = try run(path)
        // The PR rewrote check.py to fail, but the program that runs is the baseline's.
        #expect(report.allChecks.first { $0.id == "probe/ok" }?.status == .pass)
    }

    @Test func aPluginOnlyInHeadRunsOnlyWhenAllowed() throws {
        let temp = try TemporaryDirectory("plugin")
        let path = try repository(temp, baselinePlugins: "  []\n".replacingOccurrences(of: "  []", with: ""),
                                  headPlugins: "  - {name: newcomer, command: [python3, check.py]}\n", headFiles: ["check.py": Self.passing])
        let blocked = try run(path)
        let skipped = try #require(blocked.allChecks.first { $0.id == "newcomer/plugin" })
        #expect(skipped.status == .skip && skipped.message.contains("--allow-plugins"))
        let allowed = try run(path, allow: true)
        #expect(allowed.allChecks.first { $0.id == "newcomer/ok" }?.status == .pass)
    }

    @Test(arguments: [
        ("import sys; sys.stderr.write('boom\\n'); sys.exit(3)", "exited with status 3: boom"),
        ("print('not json')", "not one JSON object"),
        ("print('{\"protocol\": \"other\", \"checks\": []}')", "does not say \"protocol\""),
        ("print('{\"protocol\": \"mlgate.plugin/v1\", \"checks\": [{\"id\": \"x\", \"status\": \"great\"}]}')", "needs an \"id\" and a \"status\""),
        ("import time; time.sleep(20)", "ran past its timeout of 1 s"),
        ("import sys; sys.stdout.write('x' * (17 << 20))", "more than 16 MiB"),
        // A helper that outlives the plugin and keeps its stdout open: ended at the timeout.
        ("import subprocess, time; subprocess.Popen(['sleep', '31.7']); time.sleep(20)", "ran past its timeout of 1 s"),
        ("import subprocess; subprocess.Popen(['sleep', '32.9']); print('{\"protocol\": \"mlgate.plugin/v1\", \"checks\": []}')",
         "left a process holding its output open past its timeout of 1 s"),
    ])
    func aBrokenPluginIsAnErrorCheckNeverACrashOrAHang(script: String, reason: String) throws {
        let temp = try TemporaryDirectory("plugin")
        // One second to show the timeout; more for the rest, so that a loaded machine writing
        // 17 MiB through a pipe is not mistaken for a plugin that hangs.
        let timeout = reason.contains("timeout") ? 1 : 30
        let declaration = "  - {name: broken, command: [python3, check.py], timeout: \(timeout)}\n"
        let path = try repository(temp, baselinePlugins: declaration, headPlugins: declaration, baseFiles: ["check.py": script + "\n"])
        let clock = ContinuousClock.now
        let report = try run(path)
        #expect(ContinuousClock.now - clock < .seconds(15))
        let check = try #require(report.allChecks.first { $0.id == "broken/plugin" })
        #expect(check.status == .error && check.message.contains(reason), "\(check.message)")
        #expect(report.exitCode == 1)
        // Nothing the plugin started is left running: its process group ended with it.
        guard let helper = script.range(of: #"sleep', '[0-9.]+"#, options: .regularExpression).map({ script[$0].dropFirst(9) }) else { return }
        let survivors = Process()
        survivors.executableURL = URL(fileURLWithPath: "/usr/bin/pgrep")
        survivors.arguments = ["-f", "sleep \(helper)"]
        survivors.standardOutput = Pipe()
        try survivors.run()
        survivors.waitUntilExit()
        #expect(survivors.terminationStatus == 1, "a helper the plugin started is still running")
    }

    @Test func findsPluginsOnThePath() throws {
        let temp = try TemporaryDirectory("plugin")
        let bin = temp.child("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try ("#!/bin/sh\ncat > /dev/null\necho '{\"protocol\": \"mlgate.plugin/v1\", \"checks\": [{\"id\": \"seen\", \"status\": \"warn\", \"message\": \"hi\"}]}'\n")
            .write(toFile: bin + "/mlgate-plugin-pathcheck", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/mlgate-plugin-pathcheck")
        let path = try repository(temp, baselinePlugins: "", headPlugins: "")
        var options = GateOptions(repository: path, jobs: 1, environment: ["PATH": "\(bin):/usr/bin:/bin"])
        options.base = "main"
        let report = try Gate().run(options)
        #expect(report.allChecks.first { $0.id == "pathcheck/seen" }?.status == .warn)
    }
}
