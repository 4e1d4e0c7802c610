import FixtureRepos
import Foundation
import Testing

/// The trained baseline model is kept in the artifact cache and reused.
@Suite struct CacheTests {
    func withoutDurations(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").filter { !$0.contains("duration_seconds") }.joined(separator: "\n")
    }

    @Test func aSecondRunReusesTheBaselineModelAndReportsTheSame() throws {
        let temp = try TemporaryDirectory("cache")
        let built = try Scenario.named("model-noisy-labels").build(at: temp.child("repo"))
        let cache = ["XDG_CACHE_HOME": temp.child("xdg")]
        let first = try MLGateBinary.run(["check", "--json", temp.child("1.json")], in: built.path, environment: cache)
        #expect(first.status == 1 && first.stderr.contains("baseline model trained"), "\(first.stderr)")
        let entries = try FileManager.default.contentsOfDirectory(atPath: temp.child("xdg/mlgate")).filter { $0.hasSuffix(".entry") }
        #expect(entries.count == 2)   // the baseline model and the candidate model
        let second = try MLGateBinary.run(["check", "--json", temp.child("2.json")], in: built.path, environment: cache)
        #expect(second.status == 1 && second.stderr.contains("baseline model reused from the cache"))
        #expect(try withoutDurations(temp.child("1.json")) == withoutDurations(temp.child("2.json")))
        let fresh = try MLGateBinary.run(["check", "--no-cache", "--json", temp.child("3.json")], in: built.path, environment: cache)
        #expect(fresh.stderr.contains("baseline model trained") && fresh.stdout.isEmpty)
        #expect(try withoutDurations(temp.child("3.json")).contains("--no-cache"))
    }

    @Test func concurrentRunsShareTheCacheSafely() throws {
        let temp = try TemporaryDirectory("cache")
        let built = try Scenario.named("model-clean").build(at: temp.child("repo"))
        let cache = ["XDG_CACHE_HOME": temp.child("xdg")]
        let runs = try (0..<3).map { i in
            try MLGateBinary.start(["check", "--json", temp.child("\(i).json")], in: built.path, environment: cache)
        }.map { $0.wait() }
        #expect(runs.allSatisfy { $0.status == 0 })
        let reports = try (0..<3).map { try withoutDurations(temp.child("\($0).json")) }
        #expect(Set(reports).count == 1)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: temp.child("xdg/mlgate")).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }
}
