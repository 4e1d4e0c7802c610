import Engine
import FixtureRepos
import Foundation
import GateKit
import Testing

/// A pull request that tries to run its own code as a trusted plugin, or to read the runner's
/// secrets through one (issue #18): each is contained.
@Suite struct HostilePluginTests {
    let plugins = ExternalPluginTests()

    static let passing = ExternalPluginTests.passing
    static let failing = "print('{\"protocol\": \"mlgate.plugin/v1\", \"checks\": [{\"id\": \"ok\", \"status\": \"fail\", \"message\": \"PR code ran\"}]}')\n"

    func run(_ path: String, environment: [String: String] = ["PATH": "/usr/bin:/bin"]) throws -> GateReport {
        var options = GateOptions(repository: path, jobs: 1, environment: environment)
        options.base = "main"
        options.only = ["data-validation", "probe"]
        return try Gate().run(options)
    }

    @Test(arguments: [
        ("[python3, -m, checks.probe]", "checks/probe.py"),
        ("[sh, -c, \"python3 checks/probe.py\"]", "checks/probe.py"),
        ("[python3, run.py]", "checks/probe.py"),   // run.py imports checks.probe: the import resolves in the baseline's tree
    ])
    func aPullRequestCannotRewriteTheTrustedPluginsCode(command: String, rewritten: String) throws {
        let temp = try TemporaryDirectory("hostile")
        let declaration = "  - {name: probe, command: \(command)}\n"
        let path = try plugins.repository(temp, baselinePlugins: declaration, headPlugins: declaration,
                                          baseFiles: ["checks/__init__.py": "", "checks/probe.py": Self.passing, "run.py": "import checks.probe\n"],
                                          headFiles: ["checks/__init__.py": "", rewritten: Self.failing, "run.py": "import checks.probe\n"])
        let report = try run(path)
        let check = try #require(report.allChecks.first { $0.id == "probe/ok" }, "\(report.allChecks.map(\.id))")
        #expect(check.status == .pass, "\(check.message)")
    }

    @Test func aProgramTheBaselineDeclaresButLacksIsNotTakenFromThePullRequest() throws {
        let temp = try TemporaryDirectory("hostile")
        let declaration = "  - {name: probe, command: [python3, checks/probe.py]}\n"
        let path = try plugins.repository(temp, baselinePlugins: declaration, headPlugins: declaration,
                                          headFiles: ["checks/probe.py": Self.failing])
        let report = try run(path)
        let check = try #require(report.allChecks.first { $0.id == "probe/plugin" })
        #expect(check.status == .error && !check.message.contains("PR code ran"), "\(check.message)")
    }

    @Test func aCommittedInterpreterOnAnEmptyPathEntryIsNotRun() throws {
        let temp = try TemporaryDirectory("hostile")
        let declaration = "  - {name: probe, command: [python3, checks/probe.py]}\n"
        let fake = "#!/bin/sh\necho '{\"protocol\": \"mlgate.plugin/v1\", \"checks\": [{\"id\": \"ok\", \"status\": \"fail\", \"message\": \"PR code ran\"}]}'\n"
        let path = try plugins.repository(temp, baselinePlugins: declaration, headPlugins: declaration,
                                          baseFiles: ["checks/probe.py": Self.passing], headFiles: ["checks/probe.py": Self.passing, "python3": fake])
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path + "/python3")
        // An empty entry (the current directory) and the checkout itself, first on PATH.
        let report = try run(path, environment: ["PATH": ":\(path):/usr/bin:/bin"])
        #expect(report.allChecks.first { $0.id == "probe/ok" }?.status == .pass)
    }

    @Test func secretsInTheRunnersEnvironmentDoNotReachAPlugin() throws {
        let temp = try TemporaryDirectory("hostile")
        let leak = """
        import json, os, sys
        json.load(sys.stdin)
        print(json.dumps({"protocol": "mlgate.plugin/v1", "checks": [{"id": "ok", "status": "pass", "message": json.dumps(dict(os.environ))}]}))
        """
        let declaration = "  - {name: probe, command: [python3, checks/probe.py]}\n"
        let path = try plugins.repository(temp, baselinePlugins: declaration, headPlugins: declaration,
                                          baseFiles: ["checks/probe.py": leak], headFiles: ["checks/probe.py": leak])
        let report = try run(path, environment: ["PATH": "/usr/bin:/bin", "GITHUB_TOKEN": "ghs_secret123", "AWS_SECRET_ACCESS_KEY": "aws_secret456",
                                                 "LANG": "C.UTF-8"])
        let message = try #require(report.allChecks.first { $0.id == "probe/ok" }?.message)
        #expect(!message.contains("secret123") && !message.contains("secret456"), "\(message)")
        #expect(message.contains("\"LANG\": \"C.UTF-8\""))
    }
}

extension HostilePluginTests {
    /// One plugin rewriting its copy of the data cannot change what the next one reads, and no
    /// copy is readable by other users while it exists.
    @Test func eachPluginGetsItsOwnPrivateCopies() throws {
        let temp = try TemporaryDirectory("hostile")
        let tamper = """
        import json, os, stat, sys
        request = json.load(sys.stdin)
        path = request["head"]["files"]["train"]
        folder = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(path))))
        mode = oct(stat.S_IMODE(os.stat(folder).st_mode))
        os.chmod(path, 0o644)
        open(path, "w").write("x,y\\n9,9\\n")
        print(json.dumps({"protocol": "mlgate.plugin/v1", "checks": [{"id": "ok", "status": "pass", "message": mode}]}))
        """
        let reader = """
        import json, sys
        request = json.load(sys.stdin)
        text = open(request["head"]["files"]["train"]).read()
        print(json.dumps({"protocol": "mlgate.plugin/v1", "checks": [{"id": "ok", "status": "pass", "message": text}]}))
        """
        let declaration = "  - {name: a-tamper, command: [python3, tamper.py]}\n  - {name: b-read, command: [python3, read.py]}\n"
        let files = ["tamper.py": tamper, "read.py": reader]
        let path = try plugins.repository(temp, baselinePlugins: declaration, headPlugins: declaration, baseFiles: files, headFiles: files)
        var options = GateOptions(repository: path, jobs: 1, environment: ["PATH": "/usr/bin:/bin"])
        options.base = "main"
        options.only = ["a-tamper", "b-read"]
        let report = try Gate().run(options)
        #expect(report.allChecks.first { $0.id == "a-tamper/ok" }?.message == "0o700", "the plugin's folder is its owner's alone")
        #expect(report.allChecks.first { $0.id == "b-read/ok" }?.message == String(decoding: ExternalPluginTests.data, as: UTF8.self))
    }
}
