import Foundation
import Testing
@testable import Tabular

@Suite struct DelimitedReaderTests {
    func read(_ text: String, path: String = "t.csv", declared: [String: ColumnKind] = [:]) throws -> Table {
        try TableReader.read(Array(text.utf8), path: path, declared: declared)
    }

    @Test func infersNumericBooleanAndCategoricalColumns() throws {
        let table = try read("a,b,c,d\n1,true,x,\n2.5,False,y,\n-3e2,TRUE,x,\n")
        #expect(table.rowCount == 3)
        #expect(table.columns.map(\.kind) == [.numeric, .boolean, .categorical, .numeric])
        #expect(table.column("a")?.numericValues == [1, 2.5, -300])
        #expect(table.column("b")?.numericValues == [1, 0, 1])
        #expect(table.column("c")?.categorical?.codes == [0, 1, 0])
        #expect(table.column("c")?.categorical?.levels == ["x", "y"])
        #expect(table.column("d")?.nullCount == 3)
    }

    @Test func readsRFC4180Quoting() throws {
        let csv = "id,text,n\r\n1,\"a, b\",2\r\n2,\"she said \"\"hi\"\"\",3\r\n3,\"two\nlines\",4\r\n4,\"\",5\r\n"
        let table = try read(csv)
        #expect(table.rowCount == 4)
        #expect((0..<4).map { table.column("text")!.text(at: $0) } == ["a, b", "she said \"hi\"", "two\nlines", ""])
        #expect(table.column("n")?.numericValues == [2, 3, 4, 5])
        #expect(table.column("text")?.nullCount == 1)
    }

    @Test func skipsTheByteOrderMarkBlankLinesAndHandlesBareCR() throws {
        let table = try read("\u{FEFF}x,y\r\r\n1,2\r\n\r\n3,4")
        #expect(table.columnNames == ["x", "y"])
        #expect(table.column("y")?.numericValues == [2, 4])
        let cr = try read("x,y\r1,2\r3,4\r")
        #expect(cr.column("x")?.numericValues == [1, 3])
    }

    @Test func countsEveryPandasMissingSpelling() throws {
        let tokens = ["", "NA", "N/A", "NaN", "nan", "null", "NULL", "None", "n/a", "#N/A", "<NA>", "-nan"]
        let table = try read("v,w\n" + tokens.map { "\($0),1" }.joined(separator: "\n") + "\n7,1\n")
        #expect(table.column("v")?.kind == .numeric)
        #expect(table.column("v")?.nullCount == tokens.count)
        #expect(table.column("v")?.numericValues?.last == 7)
    }

    @Test func demotesAColumnToCategoricalWhenTextAppearsLate() throws {
        let table = try read("code\n10\n20\n\nabc\n10\n")
        let column = try #require(table.column("code"))
        #expect(column.kind == .categorical)
        #expect(column.categorical?.levels == ["10", "20", "abc"])
        #expect(column.categorical?.codes == [0, 1, 2, 0])
        let late = try read("flag\ntrue\nfalse\nmaybe\n")
        #expect(late.column("flag")?.categorical?.levels == ["true", "false", "maybe"])
    }

    @Test func declaredTypesWinAndCountValuesThatBreakThem() throws {
        let table = try read("zip,age\n01234,30\n98765,abc\n01234,41\n", declared: ["zip": .categorical, "age": .numeric])
        #expect(table.column("zip")?.categorical?.levels == ["01234", "98765"])
        let age = try #require(table.column("age"))
        #expect(age.kind == .numeric && age.invalidCount == 1)
        #expect(age.firstInvalid?.value == "abc" && age.firstInvalid?.line == 3)
        #expect(age.numericValues?[1].isNaN == true)
    }

    @Test func readsTSV() throws {
        let table = try read("a\tb\n1\tx y\n2\t\"q\"\n", path: "data.tsv")
        #expect(table.column("b")?.categorical?.levels == ["x y", "q"])
    }

    @Test func parsesNumbersExactlyAsStrtod() throws {
        var generator = SystemRandomNumberGenerator()
        var lines = ["v"]
        var expected: [Double] = []
        for _ in 0..<2000 {
            let value = Double.random(in: -1e6...1e6, using: &generator) * pow(10, Double(Int.random(in: -30...30, using: &generator)))
            let text = Bool.random(using: &generator) ? "\(value)" : String(format: "%.17g", value)
            lines.append(text)
            expected.append(strtod(text, nil))
        }
        for text in ["0.1", "123456789012345678901234567890", "1e308", "4.9e-324", "2.2250738585072014e-308", ".5", "5.", "+7", "-0"] {
            lines.append(text)
            expected.append(strtod(text, nil))
        }
        let table = try read(lines.joined(separator: "\n"))
        let values = try #require(table.column("v")?.numericValues)
        #expect(values.map(\.bitPattern) == expected.map(\.bitPattern))
    }

    @Test func stressesTheInterner() throws {
        let n = 5000
        let text = "k\n" + (0..<n * 2).map { "level-\($0 % n)" }.joined(separator: "\n")
        let column = try #require(try read(text).column("k"))
        #expect(column.categorical?.levels.count == n)
        #expect(column.categorical?.codes.prefix(3) == [0, 1, 2])
        #expect(column.categorical?.codes[n + 7] == 7)
    }

    // MARK: Malformed input: each names the file, the line and what to do.

    @Test func rejectsRaggedRows() {
        #expect(throws: TabularError.raggedRow(file: "t.csv", line: 3, expected: 2, found: 3)) { try read("a,b\n1,2\n1,2,3\n") }
        #expect(throws: TabularError.raggedRow(file: "t.csv", line: 2, expected: 2, found: 1)) { try read("a,b\n1\n") }
        #expect(TabularError.raggedRow(file: "t.csv", line: 3, expected: 2, found: 3).description.hasPrefix("t.csv:3:"))
    }

    @Test func rejectsAnUnterminatedQuote() {
        #expect(throws: TabularError.unterminatedQuote(file: "t.csv", line: 3)) { try read("a,b\n1,2\n3,\"open\n4,5\n") }
    }

    @Test func rejectsTextAfterAClosingQuote() {
        #expect(throws: TabularError.strayQuote(file: "t.csv", line: 2, column: 6)) { try read("a,b\n1,\"x\"y\n") }
    }

    @Test func rejectsInvalidUTF8WithItsPosition() {
        var bytes = Array("a,b\nok,fine\n12,".utf8)
        bytes += [0xC3, 0x28]
        bytes += Array("\n".utf8)
        #expect(throws: TabularError.invalidUTF8(file: "t.csv", line: 3, column: 4)) { try TableReader.read(bytes, path: "t.csv") }
    }

    @Test func rejectsDuplicateHeadersEmptyFilesAndUnknownFormats() {
        #expect(throws: TabularError.duplicateColumn(file: "t.csv", name: "a")) { try read("a,b,a\n1,2,3\n") }
        #expect(throws: TabularError.empty(file: "t.csv")) { try read("") }
        #expect(throws: TabularError.empty(file: "t.csv")) { try read(" \n\n") }
        #expect(throws: TabularError.unsupportedFormat(file: "t.xlsx")) { try read("a\n1\n", path: "t.xlsx") }
        // A CSV named .parquet is read as Parquet, and refused as one.
        #expect(throws: TabularError.parquet(file: "t.parquet", reason: "not a Parquet file: it must start and end with PAR1 (is it truncated?)")) {
            try read("a\n1\n", path: "t.parquet")
        }
    }

    @Test func aHeaderWithoutRowsIsAnEmptyTable() throws {
        let table = try read("a,b\n")
        #expect(table.rowCount == 0 && table.columnNames == ["a", "b"])
    }
}

@Suite struct FormatSniffingTests {
    @Test(arguments: [
        ("t.csv", "{\"a\": 1}\n", "looks like JSON"),
        ("t.tsv", "a,b\n1,2\n", "looks like CSV"),
        ("t.csv", "a\tb\n1\t2\n", "looks like TSV"),
        ("t.jsonl", "a,b\n1,2\n", "is it CSV?"),
        ("t.csv", "PK\u{3}\u{4}rest", "ZIP archive"),
        ("t.csv", "PAR1xxxx", "Parquet"),
        ("t.csv", "a,b\n1,\u{0}\n", "binary data"),
    ])
    func saysWhatAFileReallyIs(path: String, text: String, message: String) {
        do {
            _ = try TableReader.read(Array(text.utf8), path: path)
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".hasPrefix("\(path): ") && "\(error)".contains(message), "\(error)")
        }
    }

    @Test func aOneColumnCSVIsNotMistakenForAnythingElse() throws {
        #expect(try TableReader.read(Array("name\nx\ny\n".utf8), path: "t.csv").rowCount == 2)
    }
}
