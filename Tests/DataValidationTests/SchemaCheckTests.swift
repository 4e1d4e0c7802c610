import DataValidation
import GateKit
import Testing

@Suite struct SchemaCheckTests {
    func table(_ csv: String, declared: [String: ColumnKind] = [:]) throws -> Table {
        try TableReader.read(Array(csv.utf8), path: "train.csv", declared: declared)
    }

    func run(baseline: Table?, head: Table, holdout: Table? = nil, target: String = "y") -> CheckResult {
        var config = Configuration(target: target, data: DataPaths(train: "train.csv", holdout: holdout == nil ? nil : "holdout.csv"))
        config.seed = 1
        let base = Side(role: .baseline, revision: "main", commit: "aaaaaaaa", configuration: config,
                        tables: baseline.map { ["train": $0] } ?? [:], files: [:])
        var tables = ["train": head]
        if let holdout { tables["holdout"] = holdout }
        let headSide = Side(role: .head, revision: "HEAD", commit: "bbbbbbbb", configuration: config, tables: tables, files: [:])
        let context = PluginContext(baseline: base, head: headSide, policy: Policy(), seed: 1, jobs: 1)
        return DataValidationPlugin().run(context).first { $0.id == "data-validation/schema" }!
    }

    @Test func passesWhenNamesAndTypesAgree() throws {
        let result = run(baseline: try table("x,c,y\n1,a,0\n"), head: try table("x,c,y\n2,b,1\n3,a,0\n"))
        #expect(result.status == .pass && result.value == 3 && result.baseline == 3)
    }

    @Test func failsOnRemovedAndRetypedColumns() throws {
        let result = run(baseline: try table("x,c,y\n1,a,0\n"), head: try table("x,y\nabc,1\n"))
        #expect(result.status == .fail)
        #expect(result.message.contains("removed column 'c'") && result.message.contains("'x' (numeric → categorical)"))
        #expect(result.details["removed"] == ["c"])
    }

    @Test func warnsOnAddedColumns() throws {
        let result = run(baseline: try table("x,y\n1,0\n"), head: try table("x,z,y\n1,2,0\n"))
        #expect(result.status == .warn && result.details["added"] == ["z"])
    }

    @Test func failsWhenTheTargetOrHoldoutColumnsAreMissing() throws {
        #expect(run(baseline: nil, head: try table("x\n1\n")).message.contains("target column 'y' is missing"))
        let result = run(baseline: nil, head: try table("x,c,y\n1,a,0\n"), holdout: try table("x,y\n1,0\n"))
        #expect(result.status == .fail && result.message.contains("holdout.csv lacks train's column 'c'"))
    }

    @Test func countsValuesThatBreakADeclaredType() throws {
        let head = try table("age,y\n30,0\nthirty,1\n", declared: ["age": .numeric])
        let result = run(baseline: try table("age,y\n30,0\n"), head: head)
        #expect(result.status == .fail && result.message.contains("1 value(s) in 'age' of train are not numeric (first: 'thirty' at line 3)"))
    }
}
