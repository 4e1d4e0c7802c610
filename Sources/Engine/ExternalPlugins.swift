import Foundation
import GateKit
import GitRepository

/// Which external plugins a run may start, and how their inputs are laid out.
///
/// Trust follows the policy: a plugin declared in the baseline's `mlgate.yml` runs in a copy of
/// the baseline's tree (a PR cannot rewrite the program it is judged by, nor a module it imports);
/// one declared only in head's runs, in head's tree, with `--allow-plugins`; programs named
/// `mlgate-plugin-NAME` on the runner's PATH are the runner owner's and run.
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
        for directory in (environment["PATH"] ?? "").split(separator: ":") where directory.hasPrefix("/") {
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
    /// Each runs in a `PluginSandbox` of its own: the declaring revision's tree as its working
    /// directory, read-only copies of both sides' data files, an allow-listed environment.
    /// - Parameter include: which plugins this run (or shard) takes, by name.
    func run(include: (String) -> Bool, repositoryRoot: String, seed: UInt64, configuration: Configuration,
             baseline: RevisionSnapshot, head: RevisionSnapshot, baselineConfiguration: Configuration?,
             environment: [String: String], progress: (String) -> Void) throws(GateError) -> [PluginResult] {
        var results: [PluginResult] = []
        for plan in planned where include(plan.spec.name) {
            if let reason = plan.skipReason {
                results.append(PluginResult(name: plan.spec.name, checks: [CheckResult(id: "\(plan.spec.name)/plugin", status: .skip,
                                                                                      title: "External plugin \(plan.spec.name)", message: reason)],
                                            durationSeconds: 0))
                continue
            }
            let sandbox = try PluginSandbox()
            defer { sandbox.remove() }
            // Runner-owned plugins (on PATH) run in the baseline's tree too: never in head's checkout.
            let source = plan.source ?? baseline
            try sandbox.copyTree(of: source.repository, at: source.commit)
            var files: [String: JSONValue] = [:]
            for (role, snapshot, config) in [("baseline", baseline, baselineConfiguration ?? configuration), ("head", head, configuration)] {
                var sideFiles: [(String, JSONValue)] = []
                for (key, path) in config.data.named {
                    let name = (path as NSString).lastPathComponent
                    let copied = if let onDisk = try snapshot.diskFile(path)?.path {
                        sandbox.copyData(role, key, name: name, bytes: nil, file: onDisk)
                    } else {
                        sandbox.copyData(role, key, name: name, bytes: try snapshot.read(path), file: nil)
                    }
                    if let copied { sideFiles.append((key, .string(copied))) }
                }
                files[role] = .object(sideFiles)
            }
            progress("running external plugin \(plan.spec.name): \(plan.spec.command.joined(separator: " "))")
            let input: JSONValue = .object([
                ("protocol", .string(ExternalPlugin.protocolName)), ("plugin", .string(plan.spec.name)), ("seed", .number(Double(seed))),
                ("config", plan.spec.config), ("task", .string(configuration.task.rawValue)), ("target", .string(configuration.target)),
                ("baseline", .object([("commit", .string(baseline.commit.hex)), ("files", files["baseline"] ?? .object([]))])),
                ("head", .object([("commit", .string(head.commit.hex)), ("files", files["head"] ?? .object([]))])),
            ])
            results.append(ExternalPlugin(spec: plan.spec, argv: plan.spec.command, directory: sandbox.tree.path,
                                          environment: sandbox.environment(environment, repositoryRoot: repositoryRoot)).run(input: input))
        }
        return results
    }

}
