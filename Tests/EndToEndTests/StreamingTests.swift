import FixtureRepos
import Foundation
import Testing

/// Data files larger than the memory a run may use are streamed from disk (LFS objects and
/// working-tree files) instead of read whole, and the data checks come out the same: these
/// fixtures are under the 65,536 values up to which the stream's quantile sketch is exact.
@Suite struct StreamingTests {
    func checks(_ path: String) throws -> [String: [String: Any]] {
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        var result: [String: [String: Any]] = [:]
        for plugin in report["plugins"] as? [[String: Any]] ?? [] {
            for check in plugin["checks"] as? [[String: Any]] ?? [] { result[check["id"] as? String ?? ""] = check }
        }
        return result
    }

    /// Equal, numbers to 1e-12 relative: a stream's running mean sums in file order where the
    /// in-memory profile sums sorted values, which may differ in the last bit.
    func differences(_ a: Any?, _ b: Any?, at path: String) -> [String] {
        switch (a, b) {
        case (let x as [String: Any], let y as [String: Any]):
            return Set(x.keys).union(y.keys).sorted().flatMap { differences(x[$0], y[$0], at: path + "." + $0) }
        case (let x as [Any], let y as [Any]):
            guard x.count == y.count else { return ["\(path): \(x.count) vs \(y.count) items"] }
            return zip(x, y).enumerated().flatMap { differences($1.0, $1.1, at: path + "[\($0)]") }
        case (let x as NSNumber, let y as NSNumber):
            let u = x.doubleValue, v = y.doubleValue
            return u == v || abs(u - v) <= 1e-12 * max(abs(u), abs(v)) ? [] : ["\(path): \(u) vs \(v)"]
        default:
            return "\(a ?? "nil")" == "\(b ?? "nil")" ? [] : ["\(path): \(a ?? "nil") vs \(b ?? "nil")"]
        }
    }

    /// `parquet-drift` is streamed a few row groups at a time (row groups of 128 rows).
    @Test(arguments: ["drift", "schema-break", "data-broken", "model-clean", "fairness-proxy", "parquet-drift"])
    func streamedDataGiveTheSameChecksAsDataReadWhole(scenario name: String) throws {
        let temp = try TemporaryDirectory("stream")
        let suffix = name.hasPrefix("parquet") ? "parquet" : "csv"
        let lfs = ["data/train.\(suffix)", "data/holdout.\(suffix)"]
        let built = try Scenario.named(name).build(at: temp.child("repo"), options: .init(alsoLFS: lfs))
        let whole = try MLGateBinary.run(["check", "--base", "origin/main", "--only", "data-validation", "--json", temp.child("whole.json")], in: built.path)
        let streamed = try MLGateBinary.run(["check", "--base", "origin/main", "--only", "data-validation", "--memory-limit", "24K",
                                             "--json", temp.child("streamed.json")], in: built.path)
        #expect(whole.status == streamed.status, "\(streamed.stderr)")
        #expect(streamed.stderr.contains("streamed"), "\(streamed.stderr)")
        #expect(!whole.stderr.contains("streamed"))
        let a = try checks(temp.child("whole.json")), b = try checks(temp.child("streamed.json"))
        #expect(a.keys.sorted() == b.keys.sorted())
        for (id, check) in a.sorted(by: { $0.key < $1.key }) {
            #expect(differences(check, b[id], at: id).filter { !$0.contains(".duration") } == [])
        }
    }

    @Test(arguments: [("model-clean", "data/train.csv"), ("parquet-drift", "data/train.parquet")])
    func aModelTrainsOnASampleOfAFileLargerThanMemoryAndTheReportSaysSo(scenario: String, train: String) throws {
        let temp = try TemporaryDirectory("stream")
        let built = try Scenario.named(scenario).build(at: temp.child("repo"), options: .init(alsoLFS: [train]))
        let run = try MLGateBinary.run(["check", "--base", "origin/main", "--only", "model-evaluation", "--memory-limit", "64K",
                                        "--json", temp.child("report.json")], in: built.path)
        #expect(run.status != 2, "\(run.stderr)")
        #expect(run.stderr.contains("models train on a seeded sample"), "\(run.stderr)")
        let text = try String(contentsOfFile: temp.child("report.json"), encoding: .utf8)
        #expect(text.contains("larger than the memory this run may use"))
    }

    /// The explain plugin counts rows kept, added and removed exactly when a file is larger than
    /// memory (every row's fingerprint from a streaming pass), and describes them on the samples.
    @Test func explainCountsEveryRowOfAStreamedFile() throws {
        let temp = try TemporaryDirectory("stream")
        let built = try Scenario.named("explain-removed-slice").build(at: temp.child("repo"), options: .init(alsoLFS: ["data/train.csv"]))
        let whole = try MLGateBinary.run(["check", "--base", "origin/main", "--only", "explain", "--json", temp.child("whole.json")], in: built.path)
        let streamed = try MLGateBinary.run(["check", "--base", "origin/main", "--only", "explain", "--memory-limit", "64K",
                                             "--json", temp.child("streamed.json")], in: built.path)
        #expect(whole.status != 2 && streamed.status != 2, "\(streamed.stderr)")
        let a = try #require(try checks(temp.child("whole.json"))["explain/data-change/train"]?["details"] as? [String: Any])
        let b = try #require(try checks(temp.child("streamed.json"))["explain/data-change/train"]?["details"] as? [String: Any])
        for key in ["kept", "added", "removed", "baseline_rows", "head_rows"] {
            #expect((a[key] as? Double) == (b[key] as? Double), "\(key)")
        }
        #expect((b["removed"] as? Double) == 366 && (b["sampled"] as? Bool) == true && (a["sampled"] as? Bool) == false)
        let message = try #require(try checks(temp.child("streamed.json"))["explain/data-change/train"]?["message"] as? String)
        #expect(message.contains("every row counted") && message.contains("with credit_score ≤"), "\(message)")
    }

    /// A streamed file is parsed only while the data checks read it; a malformed one still stops
    /// the gate with exit 2 and the line the whole-file reader names.
    @Test func aMalformedStreamedFileStopsTheGateAsOneReadWholeDoes() throws {
        let temp = try TemporaryDirectory("stream")
        let built = try Scenario.named("drift").build(at: temp.child("repo"))
        let path = built.path + "/data/train.csv"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text += "C09999999,41,1\n"   // a row with 3 of 8 fields, at the end: past the first window
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let whole = try MLGateBinary.run(["check", "--base", "origin/main", "--worktree", "--only", "data-validation", "-q"], in: built.path)
        let streamed = try MLGateBinary.run(["check", "--base", "origin/main", "--worktree", "--only", "data-validation", "-q",
                                             "--memory-limit", "24K"], in: built.path)
        #expect(whole.status == 2 && streamed.status == 2, "\(streamed.stderr)")
        let lastLine = { (run: MLGateBinary.Run) in run.stderr.split(separator: "\n").last.map(String.init) ?? "" }
        #expect(lastLine(whole).contains("row has 3 fields but the header has 8"), "\(whole.stderr)")
        #expect(lastLine(streamed) == lastLine(whole))
    }
}
