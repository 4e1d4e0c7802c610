import ArgumentParser
import Engine

struct Plugins: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the plugins and the checks each runs.")

    func run() throws {
        for plugin in Gate.builtInPlugins {
            print("\(plugin.name) — \(plugin.summary)")
            for check in plugin.catalog {
                print("  \(plugin.name)/\(check.id)")
                print("      \(check.summary)")
            }
        }
        print("policy — the gate's own policy")
        print("  policy/changed")
        print("      fails when a pull request changes the checks: section of mlgate.yml (allow with --allow-policy-change)")
    }
}
