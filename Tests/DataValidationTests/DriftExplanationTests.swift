import DataValidation
import GateKit
import Testing

/// A drift message and chart lead with what moved the statistic: the largest terms
/// (h − b)·ln(h/b) of PSI, not the bins whose share moved most.
@Suite struct DriftExplanationTests {
    /// `counts` rows of each category, in a table of one column `c` and a label.
    static func table(_ counts: [(String, Int)]) throws -> Table {
        let rows = counts.flatMap { level, n in Array(repeating: "\(level),\(n % 2)", count: n) }
        return try TableReader.read(Array((["c,y"] + rows).joined(separator: "\n").utf8), path: "train.csv")
    }

    @Test func theRareCategoryThatGrewLeadsTheMessage() throws {
        // 'a' loses 8 points of share (the largest move); 'c' grows from 0.1% to 3% (the largest term).
        let baseline = try Self.table([("a", 5000), ("b", 4990), ("c", 10)])
        let head = try Self.table([("a", 4200), ("b", 5500), ("c", 300)])
        var config = Configuration(target: "y", data: DataPaths(train: "train.csv"))
        config.positive = "1"
        let side = { (role: Side.Role, table: Table) in
            Side(role: role, revision: "r", commit: "c0ffee00", configuration: config, tables: ["train": table], files: [:])
        }
        let context = PluginContext(baseline: side(.baseline, baseline), head: side(.head, head), policy: Policy(), seed: 1, jobs: 1)
        let drift = try #require(DataValidationPlugin().run(context).first { $0.id == "data-validation/drift/c" })
        #expect(drift.status == .warn, "\(drift.message)")
        let message = drift.message
        let c = try #require(message.range(of: "c 0.1% → 3%")), a = try #require(message.range(of: "a 50% → 42%"))
        #expect(message.contains("largest contributions to PSI: c 0.1% → 3%"), "\(message)")
        #expect(c.lowerBound < a.lowerBound)
        #expect(drift.details["moved"]?.arrayValue?.first?["bin"]?.stringValue == "c")
    }
}
