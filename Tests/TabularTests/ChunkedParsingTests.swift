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

    /// Found by the fuzzer: numbers read before a column turned out to be text kept their shortest
    /// form (`007` as `7`, `1e999` as `inf`), and differently for different chunkings.
    @Test(arguments: [16, 1 << 30])
    func numbersInATextColumnKeepTheirSpelling(chunk: Int) throws {
        let text = "zip,n\n007,1\n02134,2\n1e999,3\nTRUE,4\n" + (0..<20).map { "\($0),\($0)\n" }.joined() + "A1,5\n"
        let zip = try #require(try read(text, chunk: chunk, jobs: 2).column("zip"))
        #expect(zip.kind == .categorical)
        #expect((0..<4).map { zip.text(at: $0) } == ["007", "02134", "1e999", "TRUE"])
    }

    /// Found by the fuzzer: a quote inside an unquoted field (`5'11"`) is a literal character for
    /// the parser, and the chunker took it for an opening quote and split a quoted field.
    @Test func aQuoteInsideAFieldIsLiteralForTheChunkerToo() throws {
        let text = "h,note\n" + (0..<30).map { "\($0),5'1\($0 % 10)\"\n\($0),\"two\nlines\"\n" }.joined()
        let whole = snapshot(try read(text, chunk: 1 << 30, jobs: 1))
        #expect(snapshot(try read(text, chunk: 16, jobs: 2)) == whole)
        #expect(try read(text, chunk: 16, jobs: 2).column("note")?.text(at: 0) == "5'10\"")
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
