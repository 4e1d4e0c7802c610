import Foundation
import Tabular
import Testing

/// The Arrow IPC streams Spark Connect returns, read as pyarrow wrote them
/// (`Reference/make_arrow_reference.py`), and damaged streams refused without a crash.
@Suite struct ArrowStreamTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference/arrow")

    static func stream(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name + ".arrows")))
    }

    static func expected(_ name: String) throws -> [[String: Any]] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent(name + ".json"))) as! [String: Any]
        return json["rows"] as! [[String: Any]]
    }

    /// Row `row` of `values` in the JSON's terms.
    static func value(_ values: ArrowStream.Values, _ row: Int) -> Any? {
        switch values {
        case .integers(let v): v[row].map { Int($0) as Any }
        case .doubles(let v): v[row].map { $0.isInfinite ? "inf" as Any : $0 as Any }
        case .booleans(let v): v[row].map { $0 as Any }
        case .strings(let v): v[row].map { $0 as Any }
        case .lists(let v): v[row].map { list in (0..<list.count).map { list.number($0).map { $0 as Any } ?? NSNull() } }
        }
    }

    static func same(_ a: Any?, _ b: Any?) -> Bool {
        switch (a, b) {
        case (nil, nil), (nil, is NSNull), (is NSNull, nil), (is NSNull, is NSNull): return true
        case (let x as [Any], let y as [Any]): return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case (let x as Int, let y as NSNumber): return x == y.intValue
        case (let x as Bool, let y as NSNumber): return x == y.boolValue
        case (let x as String, let y as String): return x == y
        case (let x as Double, let y as NSNumber): return x == y.doubleValue
        default: return false
        }
    }

    @Test(arguments: ["one-batch", "three-batches", "empty"])
    func readsWhatPyarrowWrote(_ name: String) throws {
        let stream = try ArrowStream(decoding: try Self.stream(name))
        let rows = try Self.expected(name)
        #expect(stream.rowCount == rows.count)
        #expect(stream.columns.map(\.name) == ["i8", "i16", "i32", "i64", "u32", "f32", "f64", "flag", "text", "amount", "day", "at", "q"])
        for (r, row) in rows.enumerated() {
            for column in stream.columns {
                let got = Self.value(column.values, r)
                #expect(Self.same(got, row[column.name]), "\(name) row \(r) \(column.name): \(String(describing: got)) vs \(String(describing: row[column.name]))")
            }
        }
    }

    /// Every truncation and many single-byte changes: an error or a table, never a trap.
    @Test func damagedStreamsAreErrorsNotCrashes() throws {
        let bytes = try Self.stream("three-batches")
        var errors = 0
        for cut in stride(from: 0, to: bytes.count, by: 7) {
            do { _ = try ArrowStream(decoding: Array(bytes[..<cut])) } catch { errors += 1 }
        }
        #expect(errors > 0)
        // Seeded (xorshift), so a failure names a reproducible input.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2_000 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            var damaged = bytes
            damaged[Int(state % UInt64(damaged.count))] ^= UInt8(truncatingIfNeeded: state >> 32) | 1
            _ = try? ArrowStream(decoding: damaged)
        }
        #expect(throws: ArrowError.self) { try ArrowStream(decoding: [0xFF, 0xFF, 0xFF, 0xFF, 0x10, 0, 0, 0, 1, 2]) }
    }

    @Test func streamsOfOneSchemaJoin() throws {
        let one = try ArrowStream(decoding: try Self.stream("one-batch"))
        let joined = try #require(try ArrowStream.joining([one, one]))
        #expect(joined.rowCount == 2 * one.rowCount)
        #expect(joined.column("text")?.values.text(4) == "north")
    }

    /// A sample built batch by batch is the table the joined stream holds: numbers with NaN for
    /// a null, booleans as 0/1, text coded in first-seen order across batches, lists left out.
    @Test func batchesBuildOneTableAsTheyArrive() throws {
        let one = try ArrowStream(decoding: try Self.stream("one-batch"))
        let three = try ArrowStream(decoding: try Self.stream("three-batches"))
        var builder = ArrowTableBuilder()
        try builder.append(one)
        try builder.append(three)
        let table = builder.table(source: "sample")
        let joined = try #require(try ArrowStream.joining([one, three]))
        #expect(table.rowCount == joined.rowCount)
        #expect(table.columnNames == joined.columns.map(\.name).filter { $0 != "q" })
        for column in joined.columns where column.name != "q" {
            let built = try #require(table.column(column.name))
            var nulls = 0
            for row in 0..<joined.rowCount {
                switch column.values {
                case .strings(let texts):
                    let (codes, levels) = try #require(built.categorical)
                    #expect((codes[row] < 0 ? nil : levels[Int(codes[row])]) == texts[row], "\(column.name) row \(row)")
                    if texts[row] == nil { nulls += 1 }
                default:
                    let value = try #require(built.numericValues)[row]
                    if let expected = column.values.number(row) { #expect(value == expected, "\(column.name) row \(row)") } else {
                        #expect(value.isNaN)
                        nulls += 1
                    }
                }
            }
            #expect(built.nullCount == nulls, "\(column.name)")
        }
        // "north" is the first value of both streams: one level, whichever batch it came in.
        let levels = try #require(table.column("text")?.categorical).levels
        #expect(levels.filter { $0 == "north" }.count == 1)
        #expect(table.column("flag")?.kind == .boolean)
    }

    @Test func aBatchOfOtherColumnsOrTypesIsAnError() throws {
        let one = try ArrowStream(decoding: try Self.stream("one-batch"))
        var builder = ArrowTableBuilder()
        try builder.append(one)
        let renamed = ArrowStream(columns: one.columns.map { ArrowStream.Column(name: $0.name + "_", values: $0.values) }, rowCount: one.rowCount)
        #expect(throws: ArrowError.self) { try builder.append(renamed) }
        let retyped = ArrowStream(columns: one.columns.map { column in
            ArrowStream.Column(name: column.name, values: column.name == "f64" ? .strings(Array(repeating: "x", count: one.rowCount)) : column.values)
        }, rowCount: one.rowCount)
        #expect(throws: ArrowError.self) { try builder.append(retyped) }
    }
}
