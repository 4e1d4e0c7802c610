import FixtureRepos
import Foundation
import Testing

/// The gate reads a repository it may not write to, as a CI job does when the checkout belongs
/// to another user, and leaves every byte and timestamp of it as it was.
@Suite struct ReadOnlyRepositoryTests {
    /// Root writes through any permission bits, so as root the gate runs as `nobody` instead
    /// (setpriv, util-linux); as anyone else, the permission bits alone forbid writing.
    static let asRoot = getuid() == 0

    func command(_ arguments: [String]) -> (executable: String, arguments: [String]) {
        guard Self.asRoot else { return (MLGateBinary.path, arguments) }
        return ("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--", MLGateBinary.path] + arguments)
    }

    func run(_ arguments: [String], in directory: String, cache: String) throws -> MLGateBinary.Run {
        let (executable, all) = command(arguments)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = all
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": cache, "XDG_CACHE_HOME": cache]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return MLGateBinary.Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                                stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// `chmod -R a-w,a+rX`: readable and searchable by everyone, writable by no one
    /// (`writable: true` gives the owner back write access, to clean up).
    func makeReadOnly(_ root: String, writable: Bool = false) throws {
        let manager = FileManager.default
        var paths = [root]
        if let enumerator = manager.enumerator(atPath: root) {
            while let relative = enumerator.nextObject() as? String { paths.append(root + "/" + relative) }
        }
        for path in paths {
            var isDirectory: ObjCBool = false
            manager.fileExists(atPath: path, isDirectory: &isDirectory)
            try manager.setAttributes([.posixPermissions: (isDirectory.boolValue ? 0o555 : 0o444) | (writable ? 0o200 : 0)], ofItemAtPath: path)
        }
    }

    @Test(.enabled(if: !asRoot || FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")),
          arguments: ["drift", "model-clean"])
    func theGateRunsOnARepositoryItCannotWriteAndChangesNothing(scenario name: String) throws {
        let scenario = try Scenario.named(name)
        let temp = try TemporaryDirectory("read-only")
        let built = try scenario.build(at: temp.child("repo"))
        // Reports and the cache go where the gate may write; the repository is sealed.
        let writable = temp.child("writable")
        try FileManager.default.createDirectory(atPath: writable, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: writable)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: temp.path)
        try makeReadOnly(built.path)
        defer { try? makeReadOnly(built.path, writable: true) }
        let before = try DirectorySnapshot.take(built.path)

        let first = try run(["check", "--base", "origin/main", "--json", writable + "/report.json"], in: built.path, cache: writable)
        #expect(first.status == scenario.expect.exit, "\(first.stderr)")
        #expect(FileManager.default.fileExists(atPath: writable + "/report.json"))
        let worktree = try run(["check", "--base", "origin/main", "--worktree", "-q"], in: built.path, cache: writable)
        #expect(worktree.status == scenario.expect.exit, "\(worktree.stderr)")
        // A report the gate may not write is a clear error, not a crash.
        let refused = try run(["check", "--base", "origin/main", "--json", built.path + "/report.json"], in: built.path, cache: writable)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("report.json"), "\(refused.stderr)")

        #expect(try DirectorySnapshot.take(built.path) == before)
    }
}
