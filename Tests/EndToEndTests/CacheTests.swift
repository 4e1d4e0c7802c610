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

    /// Declaring a column categorical changes the model: a run with another declaration must not
    /// reuse the model one run stored (a PR could otherwise plant a baseline for later PRs).
    @Test func theCacheKeyCoversColumnTypes() throws {
        let temp = try TemporaryDirectory("cache")
        let cache = ["XDG_CACHE_HOME": temp.child("xdg")]
        let first = try Scenario.named("model-clean").build(at: temp.child("a"))
        let run = try MLGateBinary.run(["check", "--only", "model-evaluation"], in: first.path, environment: cache)
        #expect(run.stderr.contains("baseline model trained"), "\(run.stderr)")
        let again = try MLGateBinary.run(["check", "--only", "model-evaluation"], in: first.path, environment: cache)
        #expect(again.stderr.contains("baseline model reused from the cache"))
        // The same data and settings, with income read as a category.
        let writer = try RepoWriter(initializingAt: temp.child("b"))
        var files: [String: [UInt8]] = [:]
        for path in ["data/train.csv", "data/holdout.csv", "tests/edge_cases.csv", "mlgate.yml"] {
            files[path] = [UInt8](try Data(contentsOf: Scenario.fixturesDirectory.appendingPathComponent("model-clean/base/" + path)))
        }
        files["mlgate.yml"] = Array(String(decoding: files["mlgate.yml"]!, as: UTF8.self)
            .replacingOccurrences(of: "categorical: [region, postcode]", with: "categorical: [region, postcode, income]").utf8)
        let base = try writer.commit(files, message: "base", parents: [], branch: "main")
        _ = try writer.commit(files, message: "pr", parents: [base], branch: "pr")
        try writer.checkout(branch: "pr")
        let other = try MLGateBinary.run(["check", "--base", "main", "--only", "model-evaluation"], in: writer.path, environment: cache)
        // Its candidate trains on the data A's baseline model was stored for: not reused.
        #expect(other.stderr.contains("candidate model trained"), "\(other.stderr)")
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
