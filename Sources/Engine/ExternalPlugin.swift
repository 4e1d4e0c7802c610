import Foundation
import GateKit

/// Runs one external check program (SPEC §6, protocol `mlgate.plugin/v1`): the context as one
/// JSON object on stdin, checks as one JSON object on stdout. Whatever goes wrong — a non-zero
/// exit, malformed output, more than 16 MiB of it, running past the timeout — becomes one
/// `NAME/plugin` check with status `error`, never a crash or a hang.
struct ExternalPlugin {
    static let protocolName = "mlgate.plugin/v1"

    /// A plugin that exits without reading its input closes the pipe we write to; the write
    /// must fail with EPIPE rather than kill mlgate with SIGPIPE. Set once per process.
    private static let ignoringBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()
    static let outputLimit = 16 << 20

    let spec: ExternalPluginSpec
    /// The program and its arguments (a relative path is taken from `directory`).
    let argv: [String]
    /// The working directory: a copy of the declaring revision's tree.
    let directory: String
    let environment: [String: String]

    func run(input: JSONValue) -> PluginResult {
        let clock = ContinuousClock.now
        let checks: [CheckResult]
        switch execute(JSONEncoding.encode(input, pretty: false)) {
        case .success(let output): checks = parse(output)
        case .failure(let reason): checks = [failure(reason.text)]
        }
        let elapsed = ContinuousClock.now - clock
        return PluginResult(name: spec.name, checks: checks,
                            durationSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    private func failure(_ reason: String) -> CheckResult {
        CheckResult(id: "\(spec.name)/plugin", status: .error, title: "External plugin \(spec.name)",
                    message: "could not be computed: \(reason)")
    }

    private struct Reason: Error { let text: String }

    /// Runs the program with `input` on stdin; returns its stdout, or why it failed. The program
    /// runs in a process group of its own: at the timeout the whole group is killed, and its
    /// output pipes are not waited on past the deadline (a helper it left behind may hold them).
    private func execute(_ input: String) -> Result<Data, Reason> {
        _ = Self.ignoringBrokenPipes
        let child: ChildProcess
        do { child = try ChildProcess.start(argv, directory: directory, environment: environment) }
        catch { return .failure(Reason(text: error.text)) }
        let deadline = DispatchTime.now() + spec.timeout

        // Output is read on other threads while the program runs, so a full pipe cannot stall it.
        let output = Collector(limit: Self.outputLimit), errors = Collector(limit: 64 << 10)
        let readers = DispatchGroup()
        for (handle, collector) in [(child.stdout, output), (child.stderr, errors)] {
            readers.enter()
            DispatchQueue.global().async {
                collector.drain(handle) { if collector === output { kill(-child.pid, SIGKILL) } }
                readers.leave()
            }
        }
        DispatchQueue.global().async {
            // A program that never reads its input must not block us: write, then close.
            try? child.stdin.write(contentsOf: Data(input.utf8))
            try? child.stdin.close()
        }
        let status = child.wait(seconds: spec.timeout)
        guard let status else {
            child.killGroup()
            _ = readers.wait(timeout: .now() + 1)
            return .failure(Reason(text: "ran past its timeout of \(NumberFormatting.shortest(spec.timeout)) s"))
        }
        // It exited; what it started may still hold its output open, but not past the timeout.
        if readers.wait(timeout: deadline) == .timedOut {
            kill(-child.pid, SIGKILL)
            _ = readers.wait(timeout: .now() + 1)
            return .failure(Reason(text: "left a process holding its output open past its timeout of \(NumberFormatting.shortest(spec.timeout)) s"))
        }
        kill(-child.pid, SIGKILL)   // anything it left behind ends with it
        if output.overflowed { return .failure(Reason(text: "wrote more than 16 MiB to stdout")) }
        guard status == 0 else {
            let last = String(decoding: errors.data, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
            return .failure(Reason(text: "exited with status \(status)" + (last.isEmpty ? "" : ": \(last)")))
        }
        return .success(output.data)
    }

    /// Reads the program's answer into checks prefixed with its name.
    private func parse(_ data: Data) -> [CheckResult] {
        guard let answer = try? JSONDecoder().decode(JSONValue.self, from: data), case .object = answer else {
            return [failure("its output is not one JSON object")]
        }
        guard answer["protocol"]?.stringValue == Self.protocolName else {
            return [failure("its output does not say \"protocol\": \"\(Self.protocolName)\"")]
        }
        guard let checks = answer["checks"]?.arrayValue else { return [failure("its output has no \"checks\" list")] }
        var results: [CheckResult] = []
        for (index, check) in checks.enumerated() {
            guard let id = check["id"]?.stringValue, !id.isEmpty,
                  let status = check["status"]?.stringValue.flatMap(Status.init(rawValue:)) else {
                return [failure("check \(index + 1) needs an \"id\" and a \"status\" of pass, warn, fail, skip or error")]
            }
            results.append(CheckResult(id: "\(spec.name)/\(id)", status: status, title: check["title"]?.stringValue ?? id,
                                       message: check["message"]?.stringValue ?? "", metric: check["metric"]?.stringValue,
                                       value: check["value"]?.numberValue, baseline: check["baseline"]?.numberValue,
                                       threshold: check["threshold"]?.numberValue, details: check["details"] ?? .object([])))
        }
        return results.isEmpty ? [CheckResult(id: "\(spec.name)/plugin", status: .skip, title: "External plugin \(spec.name)",
                                              message: "the plugin reported no checks")] : results
    }
}

/// Collects what a pipe delivers, up to a limit.
private final class Collector: @unchecked Sendable {
    private(set) var data = Data()
    private(set) var overflowed = false
    let limit: Int

    init(limit: Int) { self.limit = limit }

    func drain(_ handle: FileHandle, onOverflow: () -> Void) {
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { return }
            if data.count + chunk.count > limit {
                if !overflowed { overflowed = true; onOverflow() }
                continue
            }
            data.append(chunk)
        }
    }
}
