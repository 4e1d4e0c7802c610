import Foundation
import Testing

/// Runs the built `mlgate` executable as a user would.
struct MLGateBinary {
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The executable next to the test bundle (`swift build` puts every product in one folder).
    static let path: String = {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [folder, folder.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("mlgate")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url.path }
        }
        return folder.appendingPathComponent("mlgate").path
    }()

    static func run(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) throws -> Run {
        try start(arguments, in: directory, environment: environment).wait()
    }

    /// A running mlgate, for tests that run several at once.
    struct Running {
        let process: Process
        let out: Pipe
        let err: Pipe

        func wait() -> Run {
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                       stderr: String(decoding: stderr, as: UTF8.self))
        }
    }

    static func start(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) throws -> Running {
        try #require(FileManager.default.isExecutableFile(atPath: path), "build mlgate first: \(path) is missing")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        // A clean environment: CI variables of the machine running the tests must not leak in.
        var env = ProcessInfo.processInfo.environment.filter { !["GITHUB_BASE_REF", "CI_MERGE_REQUEST_DIFF_BASE_SHA"].contains($0.key) }
        // No cache unless a test gives one: /proc refuses new folders, so stores quietly fail.
        env["XDG_CACHE_HOME"] = "/proc/mlgate-no-cache"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return Running(process: process, out: out, err: err)
    }
}
