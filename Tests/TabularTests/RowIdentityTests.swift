import Foundation
import Tabular
import Testing

/// What follows a row by its content: the train/holdout split, renamed columns, dates.
@Suite struct ContentSplitTests {
    static let header = "id,age,region,income,label"

    static func rows(_ n: Int, seed: UInt64 = 3) -> [String] {
        var state = seed
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        return (0..<n).map { i in "\(i),\(18 + next() % 60),\(["north", "south", "east"][Int(next() % 3)]),\(20_000 + next() % 80_000).5,\(next() % 2)" }
    }

    static func table(_ rows: [String]) throws -> Table {
        try TableReader.read(Array(([header] + rows).joined(separator: "\n").utf8), path: "t.csv")
    }

    /// Holdout rows by their content (the id column is not a key, so it is left out).
    static func heldOut(_ rows: [String], split: ContentSplit) throws -> Set<String> {
        let held = split.split(try table(rows), role: .head).holdout
        return Set(held.map { rows[$0].split(separator: ",", maxSplits: 1)[1] }.map(String.init))
    }

    let split = ContentSplit(keys: ContentSplit.keys(head: ["age", "region", "income"], baseline: nil, target: "label"), seed: 42)

    @Test func aRowKeepsItsSideWhenOtherRowsAreRemovedReorderedOrAppended() throws {
        let rows = Self.rows(3000)
        let before = try Self.heldOut(rows, split: split)
        #expect(abs(Double(before.count) / 3000 - 0.2) < 0.03)
        // The id column differs after renumbering, but it is not a key: content decides.
        let renumbered = { (rows: [String]) in rows.enumerated().map { i, r in "\(i)," + r.split(separator: ",", maxSplits: 1)[1] } }
        #expect(try Self.heldOut(renumbered(Array(rows.dropFirst())), split: split) == before.subtracting([String(rows[0].split(separator: ",", maxSplits: 1)[1])]))
        #expect(try Self.heldOut(renumbered(rows.reversed()), split: split) == before)
        let appended = try Self.heldOut(rows + Self.rows(500, seed: 9), split: split)
        #expect(before.isSubset(of: appended))
    }

    @Test func identicalRowsLandTogether() throws {
        let row = "0,40,north,50000.5,1"
        let rows = Array(repeating: row, count: 50) + Self.rows(100)
        let sides = split.split(try Self.table(rows), role: .head)
        let copies = Set(0..<50)
        #expect(copies.isSubset(of: Set(sides.train)) || copies.isSubset(of: Set(sides.holdout)))
    }

    /// Keys match by value, not by storage: a column retyped from numbers to text, or renamed
    /// and mapped, keeps its rows on their side.
    @Test func retypedAndRenamedColumnsKeepRowsInPlace() throws {
        let rows = Self.rows(500)
        let base = try Self.table(rows)
        let renamedText = "id,age_years,region,income,label\n" + rows.map { $0.replacingOccurrences(of: ",north,", with: ",north,") }.joined(separator: "\n")
        let head = try TableReader.read(Array(renamedText.utf8), path: "t.csv", declared: ["income": .categorical])
        let keys = ContentSplit.keys(head: ["age_years", "region", "income"], baseline: ["age", "region", "income"], target: "label",
                                     renames: ["age": "age_years"])
        #expect(keys.count == 4)
        let mapped = ContentSplit(keys: keys, seed: 42)
        #expect(mapped.rowKeys(base, role: .baseline) == mapped.rowKeys(head, role: .head))
    }

    @Test func otherSeedsHoldOutOtherRows() throws {
        let rows = Self.rows(1000)
        let other = ContentSplit(keys: split.keys, seed: 43)
        #expect(try Self.heldOut(rows, split: split) != Self.heldOut(rows, split: other))
    }
}

@Suite struct RenameDetectionTests {
    @Test func aColumnWhoseValuesReappearUnderANewNameIsARename() throws {
        let base = try TableReader.read(Array("fare,tip,y\n1.5,0,1\n2,1,0\n3,,1\n".utf8), path: "a.csv")
        let head = try TableReader.read(Array("fare_amount,tip,y\n1.5,0,1\n2,1,0\n3,,1\n".utf8), path: "b.csv")
        let renames = RenameDetection.renames(from: base, to: head)
        #expect(renames == [RenameDetection.Rename(old: "fare", new: "fare_amount", agreement: 1)])
    }

    @Test func differentValuesOrTypesAreNoRename() throws {
        let base = try TableReader.read(Array("fare,y\n1.5,1\n2,0\n3,1\n".utf8), path: "a.csv")
        #expect(RenameDetection.renames(from: base, to: try TableReader.read(Array("cost,y\n1.5,1\n9,0\n3,1\n".utf8), path: "b.csv")).isEmpty)
        #expect(RenameDetection.renames(from: base, to: try TableReader.read(Array("cost,y\na,1\nb,0\nc,1\n".utf8), path: "b.csv")).isEmpty)
    }
}

@Suite struct HeaderNamingTests {
    /// pandas writes the index under an empty header; the column is named by its position.
    @Test func anEmptyHeaderCellIsNamedByItsPosition() throws {
        let table = try TableReader.read(Array(",age,,y\n0,30,a,1\n1,40,b,0\n".utf8), path: "t.csv")
        #expect(table.columnNames == ["unnamed column 1", "age", "unnamed column 3", "y"])
    }
}

@Suite struct DateTimeTextTests {
    @Test(arguments: ["2026-12-03", "2026-12-03T07:37:35Z", "2026-12-03T07:37:35.120+01:00", "2026-12-03 07:37:35", "2026-12-03 07:37:35 UTC",
                      "2026/12/03", "03/12/2026", "12/31/2026 7:37 PM", "31.12.2026", "03-Dec-2026", "3 Dec 2026", "Dec 3, 2026", "December 3, 2026 10:00"])
    func readsCommonForms(_ text: String) {
        #expect(DateTimeText.isDateTime(text))
    }

    @Test(arguments: ["", "20261203", "42", "2026", "13/13/2026", "2026-13-01", "2026-12-03 25:00", "R-00ff", "north", "1.5", "12:30", "2026-12"])
    func rejectsOtherText(_ text: String) {
        #expect(!DateTimeText.isDateTime(text))
    }
}

/// Limits that keep a run bounded whatever a file holds (issue #18).
@Suite struct ReadingLimitTests {
    @Test func aGzipFileMayNotInflatePastItsLimit() throws {
        let text = "a,y\n" + String(repeating: "1,0\n", count: 100_000)
        let compressed = try #require(Self.gzip(Array(text.utf8)))
        #expect(compressed.count < 4_000)
        #expect { try TableReader.read(compressed, path: "t.csv.gz", inflateLimit: 64 << 10) } throws: { error in
            "\(error)".contains("it inflates to more than") && "\(error)".contains("commit it uncompressed (in Git LFS)")
        }
        #expect(try TableReader.read(compressed, path: "t.csv.gz", inflateLimit: 1 << 20).rowCount == 100_000)
    }

    @Test func aTableMayNotBeWiderThanTheColumnLimit() {
        let header = (0...Limits.columns).map { "c\($0)" }.joined(separator: ",")
        #expect { try TableReader.read(Array((header + "\n" + header + "\n").utf8), path: "t.csv") } throws: { error in
            "\(error)".contains("the header has \(Limits.columns + 1) columns; mlgate reads at most \(Limits.columns)")
        }
    }

    @Test func aFieldMayNotBeLongerThanTheFieldLimit() {
        let field = String(repeating: "x", count: Limits.fieldBytes + 1)
        #expect { try TableReader.read(Array("a,b\n1,\(field)\n".utf8), path: "t.csv") } throws: { error in
            "\(error)".contains("t.csv:2: field 2 is 1024 KiB; a field may hold at most 1 MiB")
        }
    }

    /// The gzip command's output (gzip is on every Debian machine).
    static func gzip(_ bytes: [UInt8]) -> [UInt8]? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c", "-9"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        guard (try? process.run()) != nil else { return nil }
        input.fileHandleForWriting.write(Data(bytes))
        try? input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return [UInt8](data)
    }
}

/// Holdout fingerprints found among training fingerprints, against a plain `Set`.
@Suite struct FingerprintMembershipTests {
    @Test func agreesWithASetOnRealisticAndAdversarialKeys() {
        var state: UInt64 = 11
        func next() -> UInt64 { state = Mixing.mix64(state); return state }
        let train = (0..<20_000).map { _ in next() }
        // A quarter of the probes are training rows (some twice), the rest are new; zero and
        // keys that share their table slot (identical high bits after the multiply) are among them.
        var probes = (0..<5_000).map { i in i % 4 == 0 ? train[Int(next() % 20_000)] : next() }
        probes += [0, 0, train[7], train[7], 1 << 63, (1 << 63) | 1, (1 << 63) | 2]
        let keys = train + [0, (1 << 63) | 2]
        let expected = probes.map(Set(keys).contains)
        #expect(FingerprintMembership.found(probes, in: keys) == expected)
        #expect(expected.filter { $0 }.count > 1_000)
    }

    @Test func emptySidesFindNothing() {
        #expect(FingerprintMembership.found([], in: [1, 2]) == [])
        #expect(FingerprintMembership.found([1, 2], in: []) == [false, false])
    }
}
