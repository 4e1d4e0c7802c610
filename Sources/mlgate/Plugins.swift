import ArgumentParser
import Engine
import Foundation

struct Plugins: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the plugins and the checks each runs.")

    func run() throws {
        for plugin in PluginRegistry.all {
            print("\(plugin.name) — \(plugin.summary)")
            for check in plugin.catalog {
                print("  \(plugin.name)/\(check.id)")
                print("      \(check.summary)")
            }
        }
        let environment = ProcessInfo.processInfo.environment
        let declared = (try? String(contentsOfFile: "mlgate.yml", encoding: .utf8))
            .flatMap { try? ConfigurationLoader.load($0, file: "mlgate.yml").configuration.plugins } ?? []
        for spec in declared {
            print("\(spec.name) — external, declared in mlgate.yml: \(spec.command.joined(separator: " ")) (timeout \(Int(spec.timeout)) s)")
        }
        for (name, path) in ExternalPlugins.onPath(environment) {
            print("\(name) — external, on PATH: \(path)")
        }
        print("policy — the gate's own policy")
        print("  policy/changed")
        print("      fails when a pull request changes the checks: section of mlgate.yml (allow with --allow-policy-change)")
    }
}
