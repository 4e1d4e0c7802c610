import Foundation
import Testing
@testable import Tabular

/// The streaming profile agrees with the in-memory one, whatever the window size.
@Suite struct StreamingProfilerTests {
    func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString).csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let sample: String = {
        var lines = ["v,c,note"]
        for i in 0..<3000 {
            let v = i % 13 == 0 ? "" : String(Double((i * 7919) % 1000) / 8)
            let note = i % 50 == 0 ? "\"a,\nb\"" : "n"
            lines.append("\(v),level\(i % 7),\(note)")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    @Test(arguments: [64, 1000, 1 << 20])
    func matchesTheInMemoryProfileAtAnyWindowSize(window: Int) throws {
        let path = try write(Self.sample)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let streamed = try StreamingProfiler.profile(path: path, jobs: 2, windowSize: window)
        let single = try StreamingProfiler.profile(path: path, jobs: 1, windowSize: window)
        #expect(streamed.columns.map(\.quantiles) == single.columns.map(\.quantiles))
        #expect(streamed.columns.map(\.mean.bitPattern) == single.columns.map(\.mean.bitPattern))
        let table = try TableReader.read(Array(Self.sample.utf8), path: "s.csv")
        #expect(streamed.rows == table.rowCount)
        let v = streamed.columns[0], column = try #require(table.column("v"))
        let exact = NumericProfile(sorted: RadixSort.sortedNonMissing(column.numericValues!), nulls: column.nullCount)
        #expect(v.count == exact.count && v.nulls == exact.nulls && v.min == exact.min && v.max == exact.max)
        #expect(abs(v.mean - exact.mean) < 1e-9 && abs(v.std - exact.std) < 1e-9)
        #expect(v.quantiles == exact.quantiles && v.rankError == 0)
        #expect(v.distinct == exact.distinct && v.distinctIsExact)
        #expect(v.histogram.reduce(0, +) == exact.count)
        let c = streamed.columns[1]
        #expect(c.kind == .categorical && c.top.count == 7 && c.top.map(\.count).reduce(0, +) == 3000)
        #expect(streamed.columns[2].top.first { $0.level == "a,\nb" }?.count == 60)
    }

    /// Files with CR or CRLF line ends, cut into windows anywhere, give the rows and values of
    /// the file read whole.
    @Test(arguments: ["\r", "\r\n"], [16, 64, 1 << 20])
    func lineEndsOfEveryKindStreamInWindows(end: String, window: Int) throws {
        let text = (["a,b"] + (0..<200).map { "\($0),x\($0 % 3)" }).joined(separator: end) + end
        let path = try write(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let streamed = try StreamingProfiler.profile(path: path, windowSize: window)
        #expect(streamed.rows == 200)
        #expect(streamed.columns[0].count == 200 && streamed.columns[0].max == 199)
        #expect(streamed.columns[1].categoryCounts.map(\.count) == [67, 67, 66])
    }

    /// A value that turns a column to text after the first window: the pass starts again with
    /// the column as text, so the profile is the one of the file read whole.
    @Test func aColumnTurnedToTextInALaterWindowIsProfiledAsText() throws {
        let text = "code,n\n" + (0..<300).map { "\($0 % 10),\($0)\n" }.joined() + "A7,300\n"
        let path = try write(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let streamed = try StreamingProfiler.profile(path: path, windowSize: 64)
        let whole = try TableReader.read(Array(text.utf8), path: "t.csv")
        let code = try #require(streamed.column("code"))
        #expect(code.kind == .categorical && whole.column("code")?.kind == .categorical)
        #expect(code.invalid == 0)
        #expect(code.categoryCounts.map(\.level) == CategoricalProfile(column: whole.column("code")!).counts.map(\.level))
    }

    @Test func aSketchKeepsItsStatedRankErrorInBoundedMemory() {
        var sketch = QuantileSketch()
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = []
        for _ in 0..<200_000 { values.append(Double.random(in: 0..<1, using: &generator)) }
        sketch.insert(contentsOf: values)
        #expect(!sketch.isExact && sketch.retained < 4000)
        let sorted = values.sorted()
        for p in [0.01, 0.1, 0.5, 0.9, 0.99] {
            let estimate = sketch.quantile(p)
            let rank = Double(sorted.firstIndex { $0 >= estimate } ?? sorted.count) / Double(sorted.count)
            #expect(abs(rank - p) <= sketch.rankError * 1.5, "p \(p): rank \(rank)")
        }
    }

    @Test func distinctCountsAreExactThenWithinOnePercent() {
        var counter = DistinctCounter()
        for i in 0..<50_000 { counter.insert(UInt64(i)) }
        #expect(counter.isExact && counter.count == 50_000)
        for i in 0..<300_000 { counter.insert(UInt64(i)) }
        #expect(!counter.isExact)
        #expect(abs(Double(counter.count) - 300_000) / 300_000 < 0.03)
    }
}
