import FixtureRepos
import Foundation
import Testing

/// `mlgate install-hook` and a real `git push` through the hook (libgit2 runs no hooks, so
/// these tests ask the git command to push).
@Suite struct HookTests {
    func git(_ arguments: [String], in directory: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        var environment = ProcessInfo.processInfo.environment
        environment["MLGATE"] = MLGateBinary.path
        environment["XDG_CACHE_HOME"] = "/proc/mlgate-no-cache"
        process.environment = environment
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    func repository(_ scenario: String, _ temp: TemporaryDirectory) throws -> String {
        let built = try Scenario.named(scenario).build(at: temp.child("repo"))
        try #require(try git(["init", "--quiet", "--bare", temp.child("remote.git")], in: temp.path) == 0)
        try #require(try git(["remote", "set-url", "origin", temp.child("remote.git")], in: built.path) == 0)
        try #require(try git(["push", "--quiet", "--no-verify", "origin", "main"], in: built.path) == 0)
        let install = try MLGateBinary.run(["install-hook"], in: built.path)
        try #require(install.status == 0, "\(install.stderr)")
        return built.path
    }

    @Test func theHookStopsAPushWhoseHeadFailsTheGate() throws {
        let temp = try TemporaryDirectory("hook")
        let repo = try repository("schema-break", temp)
        let hook = try String(contentsOfFile: repo + "/.git/hooks/pre-push", encoding: .utf8)
        #expect(hook.contains("installed by mlgate install-hook") && hook.contains("check --base '@{upstream}'"))
        #expect(try git(["push", "--quiet", "origin", "feature"], in: repo) != 0)
        #expect(try git(["--git-dir", temp.child("remote.git"), "rev-parse", "--verify", "--quiet", "refs/heads/feature"], in: temp.path) != 0)
    }

    @Test func aPushWhoseHeadPassesGoesThrough() throws {
        let temp = try TemporaryDirectory("hook")
        let repo = try repository("clean", temp)
        #expect(try git(["push", "--quiet", "origin", "feature"], in: repo) == 0)
    }

    @Test func refusesToReplaceAHookItDidNotWrite() throws {
        let temp = try TemporaryDirectory("hook")
        let built = try Scenario.named("clean").build(at: temp.child("repo"))
        let path = built.path + "/.git/hooks/pre-push"
        try FileManager.default.createDirectory(atPath: built.path + "/.git/hooks", withIntermediateDirectories: true)
        try "#!/bin/sh\necho mine\n".write(toFile: path, atomically: true, encoding: .utf8)
        let refused = try MLGateBinary.run(["install-hook"], in: built.path)
        #expect(refused.status == 2 && refused.stderr.contains("was not written by mlgate; pass --force"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "#!/bin/sh\necho mine\n")
        #expect(try MLGateBinary.run(["install-hook", "--force"], in: built.path).status == 0)
        #expect(try MLGateBinary.run(["install-hook"], in: built.path).status == 0)   // its own hook: replaced quietly
    }
}
