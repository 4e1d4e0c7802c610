import Foundation
import Testing
@testable import Tabular

@Suite struct JSONLinesAndGzipTests {
    @Test func readsFlatObjectsWithTheUnionOfKeys() throws {
        let text = """
        {"id": 1, "name": "a\\u00e9\\n", "ok": true, "score": 0.5}
        {"id": 2, "ok": false, "score": null, "extra": "x"}

        {"score": 1e-3, "id": 3, "name": "\\ud83d\\ude00", "ok": true}
        """
        let table = try TableReader.read(Array(text.utf8), path: "d.jsonl")
        #expect(table.columnNames == ["id", "name", "ok", "score", "extra"])
        #expect(table.rowCount == 3)
        #expect(table.column("id")?.numericValues == [1, 2, 3])
        #expect(table.column("ok")?.kind == .boolean)
        #expect(table.column("name")?.categorical?.levels == ["aé\n", "😀"])
        #expect(table.column("name")?.categorical?.codes == [0, -1, 1])
        #expect(table.column("score")?.nullCount == 1)
        #expect(table.column("score")?.numericValues?[2] == 0.001)
        #expect(table.column("extra")?.categorical?.codes == [-1, 0, -1])
    }

    @Test func stringsStayCategoricalUnlessDeclared() throws {
        let text = "{\"zip\": \"01234\", \"n\": \"5\"}\n{\"zip\": \"99\", \"n\": \"x\"}\n"
        let table = try TableReader.read(Array(text.utf8), path: "d.ndjson", declared: ["n": .numeric])
        #expect(table.column("zip")?.kind == .categorical)
        #expect(table.column("n")?.invalidCount == 1)
        #expect(table.column("n")?.numericValues?.first == 5)
    }

    @Test(arguments: [
        ("{\"a\": 1}\n{\"a\": [1, 2]}\n", 2, 7, "nested"),
        ("{\"a\": 1}\n{\"a\": 1, \"a\": 2}\n", 2, 10, "twice"),
        ("{\"a\": 1} {\"a\": 2}\n", 1, 10, "one object"),
        ("{\"a\": 1}\n[1, 2]\n", 2, 1, "expected '{'"),
        ("{\"a\": tru}\n", 1, 7, "expected a value"),
        ("{\"a\": \"open\n", 1, 7, "unterminated"),
    ])
    func rejectsMalformedRecords(text: String, line: Int, column: Int, reason: String) {
        do {
            _ = try TableReader.read(Array(text.utf8), path: "d.jsonl")
            Issue.record("expected an error")
        } catch {
            guard case .malformedJSON(let file, let l, let c, let r) = error else { Issue.record("\(error)"); return }
            #expect(file == "d.jsonl" && l == line && c == column)
            #expect(r.contains(reason), "\(r)")
        }
    }

    @Test func decompressesGzipIncludingConcatenatedMembers() throws {
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("gz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: temp) }
        try Data("a,b\n1,x\n".utf8).write(to: temp.appendingPathComponent("one"))
        try Data("2,y\n".utf8).write(to: temp.appendingPathComponent("two"))
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gzip.arguments = ["-c", "cd \(temp.path) && gzip -c one > all.csv.gz && gzip -c two >> all.csv.gz"]
        try gzip.run()
        gzip.waitUntilExit()
        let bytes = [UInt8](try Data(contentsOf: temp.appendingPathComponent("all.csv.gz")))
        let table = try TableReader.read(bytes, path: "data/all.csv.gz")
        #expect(table.column("a")?.numericValues == [1, 2])
        // Gzip is recognised by its magic bytes even when the name does not say so.
        #expect(try TableReader.read(bytes, path: "data/all.csv").rowCount == 2)
        #expect(throws: TabularError.self) { try TableReader.read(Array(bytes.prefix(bytes.count / 2)), path: "x.csv.gz") }
        #expect(throws: TabularError.notGzip(file: "x.csv.gz", reason: "no gzip header")) {
            try TableReader.read(Array("a\n1\n".utf8), path: "x.csv.gz")
        }
    }
}
