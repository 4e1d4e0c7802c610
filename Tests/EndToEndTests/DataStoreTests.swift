import FixtureRepos
import Foundation
import Testing

/// A PR that changes a DVC-tracked CSV is judged as the same PR with the CSV committed to git:
/// the pointers are read at each revision, the contents from the DVC cache.
@Suite struct DVCTests {
    /// Every check's id, status and numbers: what must not depend on where the data is kept.
    static func verdicts(_ path: String) throws -> [String] {
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        return (report["plugins"] as! [[String: Any]]).flatMap { plugin in
            (plugin["checks"] as! [[String: Any]]).map { check in
                "\(check["id"]!) \(check["status"]!) \(check["value"] ?? "-") \(check["baseline"] ?? "-")"
            }
        }
    }

    @Test(arguments: [Scenario.DVCLayout.version3, .version2])
    func aDVCTrackedTrainFileGivesTheVerdictsOfACommittedOne(_ layout: Scenario.DVCLayout) throws {
        let temp = try TemporaryDirectory("dvc")
        let scenario = try Scenario.named("drift")
        let plain = try scenario.build(at: temp.child("plain"))
        let tracked = try scenario.build(at: temp.child("dvc"), options: .init(dvc: ["data/train.csv"], dvcLayout: layout))
        #expect(!FileManager.default.fileExists(atPath: tracked.path + "/data/train.csv"))
        let a = try MLGateBinary.run(["check", "--no-cache", "--only", "data-validation", "--only", "model-evaluation", "--json", temp.child("a.json")], in: plain.path)
        let b = try MLGateBinary.run(["check", "--no-cache", "--only", "data-validation", "--only", "model-evaluation", "--json", temp.child("b.json")], in: tracked.path)
        #expect(a.status == 1 && b.status == 1, "\(b.stderr)")
        #expect(try Self.verdicts(temp.child("a.json")) == Self.verdicts(temp.child("b.json")))
        #expect(try Self.verdicts(temp.child("b.json")).contains { $0.hasPrefix("data-validation/drift/income fail") })
    }

    @Test func missingContentAndDamagedPointersAreExit2WithTheFix() throws {
        let temp = try TemporaryDirectory("dvc")
        let tracked = try Scenario.named("drift").build(at: temp.child("dvc"), options: .init(dvc: ["data/train.csv"]))
        let pointer = try String(contentsOfFile: tracked.path + "/data/train.csv.dvc", encoding: .utf8)
        // A pointer that is not YAML, and one whose hash would walk out of the cache.
        for (text, expected) in [("outs: [", "not YAML"), ("outs:\n- md5: ../../../../etc/passwd\n  path: train.csv\n", "not 32 hex digits"),
                                 ("stuff: 1\n", "no `outs:`")] {
            try text.write(toFile: tracked.path + "/data/train.csv.dvc", atomically: true, encoding: .utf8)
            let run = try MLGateBinary.run(["check", "--no-cache", "--only", "data-validation", "--worktree"], in: tracked.path)
            #expect(run.status == 2 && run.stderr.contains(expected), "\(text): \(run.stderr)")
        }
        try pointer.write(toFile: tracked.path + "/data/train.csv.dvc", atomically: true, encoding: .utf8)
        // The baseline's content was never pulled.
        let cache = tracked.path + "/.dvc/cache"
        let headHash = try #require(pointer.split(separator: "\n").first { $0.contains("md5:") }?.split(separator: " ").last)
        let entries = try FileManager.default.subpathsOfDirectory(atPath: cache).filter { $0.hasPrefix("files/md5/") && $0.count > 14 }
        for entry in entries where !entry.replacingOccurrences(of: "/", with: "").hasSuffix(String(headHash.dropFirst(2))) {
            try FileManager.default.removeItem(atPath: cache + "/" + entry)
        }
        let missing = try MLGateBinary.run(["check", "--no-cache", "--only", "data-validation"], in: tracked.path)
        #expect(missing.status == 2 && missing.stderr.contains("not in the DVC cache") && missing.stderr.contains("dvc fetch --rev"), "\(missing.stderr)")
    }

    /// With `--worktree`, a tracked file checked out (and edited) in the working tree is what is
    /// judged, and its own bytes key the cache, not the pointer's stale hash.
    @Test func aCheckedOutFileInTheWorkingTreeWinsOverItsPointer() throws {
        let temp = try TemporaryDirectory("dvc")
        let tracked = try Scenario.named("drift").build(at: temp.child("dvc"), options: .init(dvc: ["data/train.csv"]))
        let cache = ["XDG_CACHE_HOME": temp.child("xdg")]
        let clean = try Data(contentsOf: Scenario.fixturesDirectory.appendingPathComponent("clean/base/data/train.csv"))
        try clean.write(to: URL(fileURLWithPath: tracked.path + "/data/train.csv"))
        let first = try MLGateBinary.run(["check", "--worktree", "--only", "data-validation", "--only", "model-evaluation", "--json", temp.child("1.json")],
                                         in: tracked.path, environment: cache)
        // The working tree's copy is main's data: no drift, though the pointer names drifted data.
        #expect(try DVCTests.verdicts(temp.child("1.json")).contains { $0.hasPrefix("data-validation/drift/income pass") }, "\(first.stderr)")
        // Edited in place: the candidate is trained again, not taken from the cache under the pointer's hash.
        var edited = [UInt8](clean)
        if let comma = edited.lastIndex(of: UInt8(ascii: ",")) { edited[comma + 1] = edited[comma + 1] == UInt8(ascii: "1") ? UInt8(ascii: "0") : UInt8(ascii: "1") }
        try Data(edited).write(to: URL(fileURLWithPath: tracked.path + "/data/train.csv"))
        let second = try MLGateBinary.run(["check", "--worktree", "--only", "model-evaluation"], in: tracked.path, environment: cache)
        #expect(second.stderr.contains("candidate model trained"), "\(second.stderr)")
    }

    /// `cache.dir` in `.dvc/config` moves the cache; the contents are found there.
    @Test func aCacheDirSetInTheConfigIsFollowed() throws {
        let temp = try TemporaryDirectory("dvc")
        let tracked = try Scenario.named("drift").build(at: temp.child("dvc"), options: .init(dvc: ["data/train.csv"]))
        try FileManager.default.moveItem(atPath: tracked.path + "/.dvc/cache", toPath: temp.child("elsewhere"))
        try "[core]\n    remote = storage\n[cache]\n    dir = \(temp.child("elsewhere"))\n".write(toFile: tracked.path + "/.dvc/config.local", atomically: true, encoding: .utf8)
        let run = try MLGateBinary.run(["check", "--no-cache", "--only", "data-validation"], in: tracked.path)
        #expect(run.status == 1, "\(run.stderr)")
    }
}

/// A PR that changes a Parquet training file is judged as the same PR on CSV
/// (`fixtures/parquet-drift` is `drift` written by pandas as Parquet).
@Suite struct ParquetScenarioTests {
    @Test func theParquetPullRequestGetsTheVerdictsOfTheCSVOne() throws {
        let temp = try TemporaryDirectory("parquet")
        let csv = try Scenario.named("drift").build(at: temp.child("csv"))
        let parquet = try Scenario.named("parquet-drift").build(at: temp.child("parquet"))
        let a = try MLGateBinary.run(["check", "--no-cache", "--json", temp.child("a.json")], in: csv.path)
        let b = try MLGateBinary.run(["check", "--no-cache", "--json", temp.child("b.json")], in: parquet.path)
        #expect(a.status == b.status, "\(b.stderr)")
        let verdicts = try DVCTests.verdicts(temp.child("b.json"))
        #expect(try DVCTests.verdicts(temp.child("a.json")) == verdicts)
        #expect(verdicts.count > 30 && verdicts.contains { $0.hasPrefix("data-validation/drift/income fail") })
    }
}
