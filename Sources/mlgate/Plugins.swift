import ArgumentParser
import Engine
import PluginRegistry
import Foundation
import GateKit

struct Plugins: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the plugins and the checks each runs.")

    @Flag(help: "Print the catalogue as JSON: every check with its description and the fixture scenarios that show it at work.")
    var json = false

    func run() throws {
        if json {
            print(JSONEncoding.encode(Self.catalogue()))
            return
        }
        for plugin in PluginRegistry.all {
            print("\(plugin.name) — \(plugin.summary)")
            for check in plugin.catalog {
                print("  \(plugin.name)/\(check.id)")
                print("      \(check.summary)")
            }
        }
        let environment = ProcessInfo.processInfo.environment
        let declared = (try? String(contentsOfFile: "mlgate.yml", encoding: .utf8))
            .flatMap { try? ConfigurationLoader.load($0, file: "mlgate.yml", plugins: PluginRegistry.all).configuration.plugins } ?? []
        for spec in declared {
            print("\(spec.name) — external, declared in mlgate.yml: \(spec.command.joined(separator: " ")) (timeout \(Int(spec.timeout)) s)")
        }
        for (name, path) in ExternalPlugins.onPath(environment) {
            print("\(name) — external, on PATH: \(path)")
        }
        for check in Gate.policyCatalog {
            print("policy — the gate's own policy")
            print("  policy/\(check.id)")
            print("      \(check.summary)")
        }
    }

    /// Every built-in plugin's checks and the policy's, with their examples.
    static func catalogue() -> JSONValue {
        let plugins: [(String, String, [CheckDescription])] = PluginRegistry.all.map { ($0.name, $0.summary, $0.catalog) }
            + [("policy", "the gate's own policy", Gate.policyCatalog)]
        return .object([("plugins", .array(plugins.map { name, summary, catalog in
            .object([("name", .string(name)), ("summary", .string(summary)), ("checks", .array(catalog.map { check in
                .object([("id", .string(check.id)), ("summary", .string(check.summary)), ("examples", .array(check.examples.map { example in
                    .object([("scenario", .string(example.scenario)), ("id", .string(example.id)),
                             ("status", example.status.map { .string($0.rawValue) } ?? .null)])
                }))])
            }))])
        }))])
    }
}
