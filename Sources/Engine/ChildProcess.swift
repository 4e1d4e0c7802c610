import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A program started in a process group of its own, so that everything it starts can be ended
/// with it: a plugin that forks a helper and exits, or leaves a daemon holding its output open,
/// cannot keep the gate waiting past the plugin's timeout.
struct ChildProcess {
    let pid: pid_t
    let stdin: FileHandle
    let stdout: FileHandle
    let stderr: FileHandle

    struct Failure: Error { let text: String }

    /// Starts `argv` (found on PATH by `env`) in `directory` with `environment`.
    static func start(_ argv: [String], directory: String, environment: [String: String]) throws(Failure) -> ChildProcess {
        var input: [Int32] = [0, 0], output: [Int32] = [0, 0], errors: [Int32] = [0, 0]
        guard pipe(&input) == 0, pipe(&output) == 0, pipe(&errors) == 0 else { throw Failure(text: "no pipes: \(String(cString: strerror(errno)))") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
        for fd in input + output + errors { posix_spawn_file_actions_addclose(&actions, fd) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group (pgid = its pid), and default signal handling (we ignore SIGPIPE).
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)

        // `env -C` changes directory before it looks the program up, as a shell in that directory would.
        let arguments = ["/usr/bin/env", "-C", directory] + argv
        let cArguments = arguments.map { strdup($0) } + [nil]
        let cEnvironment = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in cArguments { free(pointer) }
            for pointer in cEnvironment { free(pointer) }
        }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, "/usr/bin/env", &actions, &attributes, cArguments, cEnvironment)
        for fd in [input[0], output[1], errors[1]] { close(fd) }
        guard code == 0 else {
            for fd in [input[1], output[0], errors[0]] { close(fd) }
            throw Failure(text: "cannot start \(argv.joined(separator: " ")): \(String(cString: strerror(code)))")
        }
        return ChildProcess(pid: pid, stdin: FileHandle(fileDescriptor: input[1], closeOnDealloc: true),
                            stdout: FileHandle(fileDescriptor: output[0], closeOnDealloc: true),
                            stderr: FileHandle(fileDescriptor: errors[0], closeOnDealloc: true))
    }

    /// Waits up to `seconds` for the program to exit; its exit status, or nil when it is still running.
    func wait(seconds: Double) -> Int32? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        var pause: UInt32 = 1_000
        while true {
            var status: Int32 = 0
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid { return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F) }
            if done < 0 { return -1 }
            if ContinuousClock.now >= deadline { return nil }
            usleep(pause)
            pause = min(pause * 2, 50_000)
        }
    }

    /// Ends the program and everything in its process group, and reaps it.
    func killGroup() {
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}
