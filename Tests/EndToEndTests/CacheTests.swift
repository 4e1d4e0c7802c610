import FixtureRepos
import Foundation
import Testing

/// The trained baseline model is kept in the artifact cache and reused.
@Suite struct CacheTests {
    func withoutDurations(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").filter { !$0.contains("duration_seconds") }.joined(separator: "\n")
    }

    /// Truncates every cache entry in `folder`, as a crash mid-write or a full disk would.
    func cutEveryEntryInHalf(_ folder: String) throws {
        for entry in try FileManager.default.contentsOfDirectory(atPath: folder) where entry.hasSuffix(".entry") {
            let url = URL(fileURLWithPath: folder + "/" + entry)
            let bytes = try Data(contentsOf: url)
            try bytes.prefix(bytes.count / 2).write(to: url)
        }
    }

    @Test func aSecondRunReusesTheBaselineModelAndReportsTheSame() throws {
        let temp = try TemporaryDirectory("cache")
        let built = try Scenario.named("model-noisy-labels").build(at: temp.child("repo"))
        let cache = ["XDG_CACHE_HOME": temp.child("xdg")]
        let first = try MLGateBinary.run(["check", "--json", temp.child("1.json")], in: built.path, environment: cache)
        #expect(first.status == 1 && first.stderr.contains("baseline model trained"), "\(first.stderr)")
        let entries = try FileManager.default.contentsOfDirectory(atPath: temp.child("xdg/mlgate")).filter { $0.hasSuffix(".entry") }
        // The baseline model, the candidate model, the baseline's data profile and its digest, and
        // the baseline model's primary metric on its own holdout file.
        #expect(entries.count == 5)
        #expect(!first.stderr.contains("on its own holdout reused"))
        let second = try MLGateBinary.run(["check", "-v", "--json", temp.child("2.json")], in: built.path, environment: cache)
        #expect(second.status == 1 && second.stderr.contains("baseline model reused from the cache"))
        #expect(second.stderr.contains("model-evaluation: the baseline model's auc on its own holdout reused from the cache"), "\(second.stderr)")
        #expect(try withoutDurations(temp.child("1.json")) == withoutDurations(temp.child("2.json")))
        let fresh = try MLGateBinary.run(["check", "--no-cache", "--json", temp.child("3.json")], in: built.path, environment: cache)
        #expect(fresh.stderr.contains("baseline model trained") && fresh.stdout.isEmpty)
        #expect(try withoutDurations(temp.child("3.json")).contains("--no-cache"))
    }

    /// Data validation of the next PR against the same main reads head alone: the baseline's
    /// profile comes from the cache, and the report is the one a run without the cache writes —
    /// also where a check needs the baseline's rows after all (a leaking column) and where the
    /// entry was damaged (a miss: the files are read again).
    @Test func theBaselineProfileIsCachedAndTheReportIsUnchanged() throws {
        // (scenario, whether the profile applies to head, whether the baseline's rows are read anyway)
        let cases: [(String, Bool, Bool)] = [("drift", true, false), ("data-broken", false, true), ("leak-at-both", true, true)]
        for (scenario, applies, readsRows) in cases {
            let temp = try TemporaryDirectory("profile-cache")
            let repo: String
            if scenario == "leak-at-both" {
                repo = try Self.leakingAtBoth(temp.child("repo"))
            } else {
                repo = try Scenario.named(scenario).build(at: temp.child("repo")).path
            }
            let cache = ["XDG_CACHE_HOME": temp.child("xdg")]
            let base = scenario == "leak-at-both" ? ["--base", "main"] : []
            let check = { (name: String, extra: [String]) in
                try MLGateBinary.run(["check", "--only", "data-validation", "--json", temp.child(name)] + base + extra, in: repo, environment: cache)
            }
            let first = try check("1.json", [])
            #expect(first.stderr.contains("read baseline train") && first.stderr.contains("data-validation: baseline profile of"), "\(first.stderr)")
            let second = try check("2.json", [])
            #expect(second.stderr.contains("baseline data files left unread"), "\(scenario): \(second.stderr)")
            #expect(second.stderr.contains("baseline profile reused from the cache") == applies, "\(scenario): \(second.stderr)")
            // Head with other columns, or a leaking column, sends the checks back to the baseline's rows.
            #expect(second.stderr.contains("read baseline train") == readsRows, "\(scenario): \(second.stderr)")
            let fresh = try check("3.json", ["--no-cache"])
            #expect(fresh.stderr.contains("read baseline train") && !fresh.stderr.contains("profile reused"))
            #expect(first.status == second.status && second.status == fresh.status)
            let uncached = try withoutDurations(temp.child("3.json")).replacingOccurrences(of: " --no-cache", with: "")
            #expect(try withoutDurations(temp.child("1.json")) == withoutDurations(temp.child("2.json")), "\(scenario)")
            #expect(try withoutDurations(temp.child("2.json")) == uncached, "\(scenario)")

            // A damaged entry authenticates as nothing: the files are read and the numbers stay.
            try cutEveryEntryInHalf(temp.child("xdg/mlgate"))
            let damaged = try check("4.json", [])
            #expect(damaged.stderr.contains("read baseline train") && !damaged.stderr.contains("profile reused"), "\(damaged.stderr)")
            #expect(try withoutDurations(temp.child("4.json")) == withoutDurations(temp.child("1.json")), "\(scenario)")
        }
    }

    /// With the baseline's model and digest cached, model evaluation does not read main's
    /// training file at all, and the report is the uncached one; a PR that drops a column the
    /// baseline had reads it again (renames are found in the values), as does a damaged entry.
    @Test func theBaselineDigestSparesReadingMainsTrainingFile() throws {
        for (scenario, serves) in [("model-clean", true), ("schema-break", false)] {
            let temp = try TemporaryDirectory("digest-cache")
            let repo = try Scenario.named(scenario).build(at: temp.child("repo")).path
            let cache = ["XDG_CACHE_HOME": temp.child("xdg")]
            let check = { (name: String, extra: [String]) in
                try MLGateBinary.run(["check", "--only", "model-evaluation", "-v", "--json", temp.child(name)] + extra, in: repo, environment: cache)
            }
            let first = try check("1.json", [])
            #expect(first.status != 2 && first.stderr.contains("read baseline train"), "\(first.stderr)")
            let second = try check("2.json", [])
            #expect(second.stderr.contains("read baseline train") == !serves, "\(scenario): \(second.stderr)")
            #expect(second.stderr.contains("cached digest does not serve this run (head lacks some of its columns)") == !serves, "\(second.stderr)")
            #expect(second.stderr.contains("baseline model reused from the cache"), "\(second.stderr)")
            let fresh = try check("3.json", ["--no-cache"])
            #expect(first.status == second.status && second.status == fresh.status)
            let uncached = try withoutDurations(temp.child("3.json")).replacingOccurrences(of: " --no-cache", with: "")
            #expect(try withoutDurations(temp.child("2.json")) == uncached, "\(scenario)")

            try cutEveryEntryInHalf(temp.child("xdg/mlgate"))
            let damaged = try check("4.json", [])
            #expect(damaged.stderr.contains("read baseline train"), "\(damaged.stderr)")
            #expect(try withoutDurations(temp.child("4.json")) == uncached, "\(scenario)")
        }
    }

    /// A repository whose main already has `decision` (the label in words) and a PR that drops a
    /// few rows: the same columns at both sides, and a leaking column whose baseline score the
    /// check computes from the baseline's rows.
    static func leakingAtBoth(_ path: String) throws -> String {
        let writer = try RepoWriter(initializingAt: path)
        var files: [String: [UInt8]] = [:]
        for (path, source) in [("mlgate.yml", "clean/base/mlgate.yml"), ("data/train.csv", "label-restated/head/data/train.csv"),
                               ("data/holdout.csv", "label-restated/head/data/holdout.csv")] {
            files[path] = [UInt8](try Data(contentsOf: Scenario.fixturesDirectory.appendingPathComponent(source)))
        }
        let base = try writer.commit(files, message: "base", parents: [], branch: "main")
        let lines = String(decoding: files["data/train.csv"]!, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        files["data/train.csv"] = Array((lines.prefix(lines.count / 2) + lines.suffix(lines.count / 2 - 20)).joined(separator: "\n").utf8)
        _ = try writer.commit(files, message: "pr", parents: [base], branch: "pr")
        try writer.checkout(branch: "pr")
        return path
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
