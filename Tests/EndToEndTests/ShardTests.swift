import FixtureRepos
import Foundation
import Testing
import XMLWriting

/// `--shard I/N` and `mlgate merge`: the merged shards equal the unsharded run.
@Suite struct ShardTests {
    func withoutDurations(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").filter { !$0.contains("duration_seconds") }.joined(separator: "\n")
    }

    @Test(arguments: [2, 3])
    func mergedShardsEqualTheUnshardedRun(count: Int) throws {
        let temp = try TemporaryDirectory("shard")
        let built = try Scenario.named("external-plugin").build(at: temp.child("repo"))
        let whole = try MLGateBinary.run(["check", "--json", temp.child("whole.json")], in: built.path)
        var shards: [String] = []
        for index in 1...count {
            let path = temp.child("shard-\(index).json")
            let run = try MLGateBinary.run(["check", "--shard", "\(index)/\(count)", "--json", path], in: built.path)
            #expect(run.status == 0 || run.status == 1, "\(run.stderr)")
            shards.append(path)
        }
        let merged = try MLGateBinary.run(["merge"] + shards + ["--json", temp.child("merged.json"), "--junit", temp.child("j.xml"),
                                                            "--markdown", temp.child("r.md"), "--html", temp.child("r.html")], in: temp.path)
        #expect(merged.status == whole.status, "\(merged.stderr)")
        #expect(try withoutDurations(temp.child("merged.json")) == withoutDurations(temp.child("whole.json")))
        let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Schemas/junit-10.xsd").path
        #expect(XMLSchemaValidator.validate([UInt8](try Data(contentsOf: URL(fileURLWithPath: temp.child("j.xml")))), schemaPath: schema) == [])
        #expect(try String(contentsOfFile: temp.child("r.md"), encoding: .utf8).hasPrefix("## "))
    }

    @Test func aMissingShardOrAForeignReportCannotBeMerged() throws {
        let temp = try TemporaryDirectory("shard")
        let built = try Scenario.named("clean").build(at: temp.child("repo"))
        _ = try MLGateBinary.run(["check", "--shard", "1/2", "--json", temp.child("1.json")], in: built.path)
        let missing = try MLGateBinary.run(["merge", temp.child("1.json")], in: temp.path)
        #expect(missing.status == 2 && missing.stderr.contains("shard 2/2 missing"))
        try "{}".write(toFile: temp.child("x.json"), atomically: true, encoding: .utf8)
        let foreign = try MLGateBinary.run(["merge", temp.child("x.json")], in: temp.path)
        #expect(foreign.status == 2 && foreign.stderr.contains("is not an mlgate report"))
        let bad = try MLGateBinary.run(["check", "--shard", "3/2"], in: built.path)
        #expect(bad.status == 2 && bad.stderr.contains("--shard takes I/N"))
    }
}
