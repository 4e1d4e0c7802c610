import FixtureRepos
import Foundation
import Testing

/// Checks describe and test themselves: every check in `mlgate plugins --json` names fixture
/// scenarios where it must catch something and where it must not, every example holds on the
/// real scenario, and every check id a built-in plugin reports on any scenario is described.
@Suite struct CatalogTests {
    struct Described {
        let plugin: String
        let id: String
        let examples: [(scenario: String, id: String, status: String?)]

        /// The description's id as a pattern: a subject placeholder (COL, METRIC, …) is any text without a slash.
        func matches(_ fullID: String) -> Bool {
            var pattern = "^", token = ""
            func flush() {
                let placeholder = !token.isEmpty && token.allSatisfy { $0.isUppercase || $0 == "_" }
                pattern += placeholder ? "[^/]+" : NSRegularExpression.escapedPattern(for: token)
                token = ""
            }
            for character in plugin + "/" + id {
                if character == "/" || character == "=" { flush(); pattern += String(character) } else { token.append(character) }
            }
            flush()
            return fullID.range(of: pattern + "$", options: .regularExpression) != nil
        }
    }

    static func catalogue() throws -> [Described] {
        let run = try MLGateBinary.run(["plugins", "--json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        return (json["plugins"] as! [[String: Any]]).flatMap { plugin in
            (plugin["checks"] as! [[String: Any]]).map { check in
                Described(plugin: plugin["name"] as! String, id: check["id"] as! String,
                          examples: (check["examples"] as! [[String: Any]]).map { ($0["scenario"] as! String, $0["id"] as! String, $0["status"] as? String) })
            }
        }
    }

    /// Each scenario's checks, id → status, from one run of the real binary on the built repository.
    static func reports(_ scenarios: [Scenario]) throws -> [String: [String: String]] {
        let temp = try TemporaryDirectory("catalog")
        var reports: [String: [String: String]] = [:]
        // Two at a time: the machine has two cores.
        for pair in stride(from: 0, to: scenarios.count, by: 2).map({ Array(scenarios[$0..<min($0 + 2, scenarios.count)]) }) {
            let running = try pair.map { scenario -> (String, MLGateBinary.Running, String) in
                let built = try scenario.build(at: temp.child(scenario.name))
                let out = temp.child(scenario.name + ".json")
                return (scenario.name, try MLGateBinary.start(["check", "--json", out], in: built.path), out)
            }
            for (name, process, out) in running {
                _ = process.wait()
                guard let data = FileManager.default.contents(atPath: out),
                      let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { continue }
                var checks: [String: String] = [:]
                for plugin in json["plugins"] as! [[String: Any]] {
                    for check in plugin["checks"] as! [[String: Any]] { checks[check["id"] as! String] = check["status"] as? String }
                }
                reports[name] = checks
            }
        }
        return reports
    }

    @Test func everyCheckIsDescribedAndEveryDescriptionHoldsOnItsScenarios() throws {
        let catalogue = try Self.catalogue()
        let pluginNames = Set(catalogue.map(\.plugin))
        for check in catalogue {
            #expect(check.examples.contains { $0.status != nil && $0.status != "pass" }, "\(check.plugin)/\(check.id): no scenario where it catches something")
            #expect(check.examples.contains { $0.status == nil || $0.status == "pass" }, "\(check.plugin)/\(check.id): no scenario where it must not")
        }
        let scenarios = try Scenario.all()
        let reports = try Self.reports(scenarios)
        #expect(reports.count == scenarios.count - 1, "every scenario but config-error writes a report: \(Set(scenarios.map(\.name)).subtracting(reports.keys))")
        for check in catalogue {
            for example in check.examples {
                let report = try #require(reports[example.scenario], "\(check.plugin)/\(check.id): no scenario '\(example.scenario)'")
                let id = check.plugin + "/" + example.id
                #expect(check.matches(id), "\(id) is not an instance of \(check.plugin)/\(check.id)")
                #expect(report[id] == example.status, "\(example.scenario): \(id) is \(report[id] ?? "not reported"), the catalogue says \(example.status ?? "not reported")")
            }
        }
        for (scenario, report) in reports.sorted(by: { $0.key < $1.key }) {
            for id in report.keys.sorted() where pluginNames.contains(String(id.prefix { $0 != "/" })) {
                #expect(catalogue.contains { $0.matches(id) }, "\(scenario) reports \(id), which no catalogue entry describes")
            }
        }
    }
}
