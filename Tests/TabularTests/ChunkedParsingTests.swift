import Testing
@testable import Tabular

/// Files are parsed in chunks on several threads; the table must not depend on either.
@Suite struct ChunkedParsingTests {
    func read(_ text: String, chunk: Int, jobs: Int, declared: [String: ColumnKind] = [:]) throws(TabularError) -> Table {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer throws(TabularError) in
            var reader = DelimitedReader(file: "t.csv", delimiter: UInt8(ascii: ","), declared: declared)
            reader.chunkSize = chunk
            return try reader.read(buffer, jobs: jobs)
        }
    }

    func snapshot(_ table: Table) -> [String] {
        table.columns.map { column in
            "\(column.name):\(column.kind):\(column.nullCount):\(column.invalidCount):\(column.firstInvalid?.line ?? 0):"
                + (0..<column.count).map { column.text(at: $0) }.joined(separator: "|")
        }
    }

    static let sample: String = {
        var lines = ["id,value,flag,note,code"]
        for i in 0..<300 {
            let value = i % 17 == 0 ? "" : "\(Double(i) * 0.25)"
            let flag = i % 3 == 0 ? "true" : "false"
            let note = i % 10 == 0 ? "\"multi\nline, \"\"quoted\"\" \(i)\"" : "n\(i % 7)"
            let code = i == 250 ? "late-text" : "\(i % 5)"
            lines.append("\(i),\(value),\(flag),\(note),\(code)")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    @Test(arguments: [16, 64, 333, 4096])
    func chunksAndThreadsGiveTheSameTable(chunk: Int) throws {
        let whole = snapshot(try read(Self.sample, chunk: 1 << 30, jobs: 1))
        #expect(snapshot(try read(Self.sample, chunk: chunk, jobs: 1)) == whole)
        #expect(snapshot(try read(Self.sample, chunk: chunk, jobs: 2)) == whole)
        #expect(snapshot(try read(Self.sample, chunk: chunk, jobs: 7)) == whole)
    }

    @Test func aLateTextValueDemotesTheColumnAcrossChunks() throws {
        let table = try read(Self.sample, chunk: 64, jobs: 2)
        let code = try #require(table.column("code"))
        #expect(code.kind == .categorical)
        #expect(code.categorical?.levels == ["0", "1", "2", "3", "4", "late-text"])
        #expect(table.column("note")?.text(at: 10) == "multi\nline, \"quoted\" 10")
    }

    @Test func errorsNameAbsoluteLinesFromAnyChunk() {
        let broken = Self.sample + "1,2,3\n"
        let lines = broken.split(separator: "\n", omittingEmptySubsequences: false).count - 1
        for chunk in [16, 64, 1 << 30] {
            #expect(throws: TabularError.raggedRow(file: "t.csv", line: lines, expected: 5, found: 3)) {
                try read(broken, chunk: chunk, jobs: 2)
            }
        }
        let invalid = try? read(Self.sample, chunk: 64, jobs: 2, declared: ["code": .numeric])
        // Line 1 is the header, row i is on line i + 2 plus the extra lines of quoted notes before it.
        #expect(invalid?.column("code")?.firstInvalid?.line == 252 + 25)
    }
}
