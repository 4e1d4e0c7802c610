import Foundation
import GateKit
import GitRepository

/// Which external plugins a run may start, and how their inputs are laid out.
///
/// Trust follows the policy: a plugin declared in the baseline's `mlgate.yml` runs, with any
/// repository file its command names taken from the baseline revision (a PR cannot rewrite the
/// program it is judged by); one declared only in head's runs with `--allow-plugins`; programs
/// named `mlgate-plugin-NAME` on the runner's PATH are the runner owner's and run.
public struct ExternalPlugins {
    struct Planned {
        let spec: ExternalPluginSpec
        /// nil: the plugin runs; otherwise why not.
        let skipReason: String?
        /// Where repository files in the command come from.
        let source: RevisionSnapshot?
    }

    let planned: [Planned]

    init(baseline: ConfigurationLoader.Loaded?, head: ConfigurationLoader.Loaded, allowHeadPlugins: Bool,
         baselineSnapshot: RevisionSnapshot, headSnapshot: RevisionSnapshot, environment: [String: String]) {
        var planned: [Planned] = []
        let trusted = baseline?.configuration.plugins ?? []
        for spec in trusted { planned.append(Planned(spec: spec, skipReason: nil, source: baselineSnapshot)) }
        for spec in head.configuration.plugins where !trusted.contains(spec) {
            if trusted.contains(where: { $0.name == spec.name }) { continue }   // changed: the baseline's version runs
            planned.append(Planned(spec: spec, skipReason: allowHeadPlugins ? nil
                : "declared only in head's mlgate.yml, so not run: a pull request cannot make CI run a new program unreviewed; rerun with --allow-plugins to trust it",
                source: headSnapshot))
        }
        for (name, path) in Self.onPath(environment) where !planned.contains(where: { $0.spec.name == name }) {
            planned.append(Planned(spec: ExternalPluginSpec(name: name, command: [path]), skipReason: nil, source: nil))
        }
        self.planned = planned
    }

    var names: [String] { planned.map(\.spec.name) }

    /// `mlgate-plugin-NAME` executables on PATH, first occurrence of each name, sorted.
    public static func onPath(_ environment: [String: String]) -> [(name: String, path: String)] {
        var found: [String: String] = [:]
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: String(directory)) else { continue }
            for entry in entries where entry.hasPrefix("mlgate-plugin-") && entry.count > 14 {
                let path = "\(directory)/\(entry)"
                let name = String(entry.dropFirst(14))
                if found[name] == nil, FileManager.default.isExecutableFile(atPath: path) { found[name] = path }
            }
        }
        return found.keys.sorted().map { ($0, found[$0]!) }
    }

    /// Runs the plugins that may run; the others become `NAME/plugin: skip` with the reason.
    /// - Parameter include: which plugins this run (or shard) takes, by name.
    func run(include: (String) -> Bool, repositoryRoot: String, seed: UInt64, configuration: Configuration,
             baseline: RevisionSnapshot, head: RevisionSnapshot, baselineConfiguration: Configuration?,
             progress: (String) -> Void) throws(GateError) -> [PluginResult] {
        let selected = planned.filter { include($0.spec.name) }
        guard !selected.isEmpty else { return [] }
        let workspace = FileManager.default.temporaryDirectory.appendingPathComponent("mlgate-plugins-\(UUID().uuidString)")
        defer { Self.remove(workspace) }
        // Each side's data files, read-only copies (SPEC §6).
        var files: [String: JSONValue] = [:]
        for (role, snapshot, config) in [("baseline", baseline, baselineConfiguration ?? configuration), ("head", head, configuration)] {
            var sideFiles: [(String, JSONValue)] = []
            for (key, path) in config.data.named {
                let target = workspace.appendingPathComponent("\(role)/\(key)/\((path as NSString).lastPathComponent)")
                if let onDisk = try snapshot.diskFile(path)?.path {
                    // A file on disk (an LFS object, a working-tree file) is copied file to file,
                    // never through memory: it may be larger than memory.
                    try? FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try? FileManager.default.copyItem(atPath: onDisk, toPath: target.path)
                    try? FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: target.path)
                    sideFiles.append((key, .string(target.path)))
                    continue
                }
                guard let bytes = try snapshot.read(path) else { continue }
                Self.writeReadOnly(bytes, to: target)
                sideFiles.append((key, .string(target.path)))
            }
            files[role] = .object(sideFiles)
        }
        var results: [PluginResult] = []
        for plan in selected {
            if let reason = plan.skipReason {
                results.append(PluginResult(name: plan.spec.name, checks: [CheckResult(id: "\(plan.spec.name)/plugin", status: .skip,
                                                                                      title: "External plugin \(plan.spec.name)", message: reason)],
                                            durationSeconds: 0))
                continue
            }
            let argv = try program(plan, workspace: workspace)
            progress("running external plugin \(plan.spec.name): \(argv.joined(separator: " "))")
            let input: JSONValue = .object([
                ("protocol", .string(ExternalPlugin.protocolName)), ("plugin", .string(plan.spec.name)), ("seed", .number(Double(seed))),
                ("config", plan.spec.config), ("task", .string(configuration.task.rawValue)), ("target", .string(configuration.target)),
                ("baseline", .object([("commit", .string(baseline.commit.hex)), ("files", files["baseline"] ?? .object([]))])),
                ("head", .object([("commit", .string(head.commit.hex)), ("files", files["head"] ?? .object([]))])),
            ])
            results.append(ExternalPlugin(spec: plan.spec, argv: argv, repositoryRoot: repositoryRoot).run(input: input))
        }
        return results
    }

    /// The command with every repository file it names copied from the side that declared it.
    private func program(_ plan: Planned, workspace: URL) throws(GateError) -> [String] {
        guard let source = plan.source else { return plan.spec.command }
        var argv: [String] = []
        for (index, word) in plan.spec.command.enumerated() {
            let relative = word.hasPrefix("./") ? String(word.dropFirst(2)) : word
            if !relative.hasPrefix("/"), !relative.hasPrefix("-"), relative.contains("/") || index > 0,
               let bytes = try source.read(relative) {
                let target = workspace.appendingPathComponent("program/\(relative)")
                Self.writeReadOnly(bytes, to: target, executable: true)
                argv.append(target.path)
            } else {
                argv.append(word)
            }
        }
        return argv
    }

    private static func writeReadOnly(_ bytes: [UInt8], to url: URL, executable: Bool = false) {
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? Data(bytes).write(to: url)
        try? FileManager.default.setAttributes([.posixPermissions: executable ? 0o555 : 0o444], ofItemAtPath: url.path)
    }

    private static func remove(_ url: URL) {
        // Read-only copies: make them writable again so the folder can go.
        if let enumerator = FileManager.default.enumerator(atPath: url.path) {
            while let relative = enumerator.nextObject() as? String {
                try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.appendingPathComponent(relative).path)
            }
        }
        try? FileManager.default.removeItem(at: url)
    }
}
