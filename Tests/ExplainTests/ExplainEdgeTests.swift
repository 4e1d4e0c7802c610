import Foundation
import GateKit
import ModelRuns
import Testing
@testable import Explain

/// The explain plugin's parts on inputs too small or of the wrong kind: a skip with the reason,
/// never a crash.
@Suite struct ExplainEdgeTests {
    static func table(_ csv: String) throws -> Table {
        try TableReader.read(Array(csv.utf8), path: "train.csv")
    }

    static func configuration(task: TaskKind = .binary) -> Configuration {
        var configuration = Configuration(target: "y", data: DataPaths(train: "train.csv"))
        configuration.task = task
        configuration.positive = task == .binary ? "1" : nil
        return configuration
    }

    @Test func fewerRowsThanFoldsIsASkipSayingSo() throws {
        let train = try Self.table("x,y\n1,0\n2,1\n3,0\n4,1\n5,0\n6,1\n")
        let task = try LearningTask(configuration: Self.configuration(), train: train)
        #expect {
            try LabelIssues(task: task, train: train, added: nil, keys: Array(0..<6).map(UInt64.init), spec: ModelSpec(),
                            policy: ExplainPolicy.LabelIssues(), seed: 1, jobs: 1)
        } throws: { error in
            guard case LabelIssues.Skip.because(let why) = error else { return false }
            return why.contains("fewer than two per fold")
        }
    }

    @Test func aRegressionTaskHasNoLabelIssues() throws {
        let train = try Self.table("x,y\n1,0.5\n2,1.5\n3,0.25\n")
        let task = try LearningTask(configuration: Self.configuration(task: .regression), train: train)
        #expect {
            try LabelIssues(task: task, train: train, added: nil, keys: [1, 2, 3], spec: ModelSpec(), policy: ExplainPolicy.LabelIssues(), seed: 1, jobs: 1)
        } throws: { error in
            guard case LabelIssues.Skip.because(let why) = error else { return false }
            return why.contains("regression")
        }
    }

    /// Identical rows match one for one, wherever they sit; a row changed in one column is an edit.
    @Test func rowsMatchAsAMultisetAndOneColumnChangesAreEdits() throws {
        let baseline = try Self.table("id,x,y\n1,a,0\n1,a,0\n2,b,1\n3,c,0\n4,d,1\n")
        let head = try Self.table("id,x,y\n4,d,0\n9,z,1\n1,a,0\n3,c,0\n")
        let matching = RowMatching(baseline: baseline, head: head, renames: [], target: "y")
        #expect(matching.keptHead == [2, 3] && matching.keptBaseline.sorted() == [0, 3])
        #expect(matching.edited.map(\.head) == [0] && matching.edited.first?.column == "y" && matching.edited.first?.baseline == 4)
        #expect(matching.added == [1] && matching.removed.count == 2)
    }

    @Test func slicesNeedTheirMinimumRows() throws {
        let holdout = try Self.table("x,y\n" + (0..<20).map { "\($0 % 2 == 0 ? "a" : "b"),\($0 % 2)" }.joined(separator: "\n") + "\n")
        let task = try LearningTask(configuration: Self.configuration(), train: holdout)
        let worse = ScoredHoldout(task: task, holdout: holdout, scores: Array(repeating: 0.5, count: 20), classes: [])
        let better = ScoredHoldout(task: task, holdout: holdout, scores: (0..<20).map { $0 % 2 == 0 ? 0.2 : 0.8 }, classes: [])
        let outcomes = RowOutcomes(task: task, holdout: holdout, candidate: worse, baseline: better)
        var policy = ExplainPolicy.Slices()
        #expect(SliceSearch(outcomes: outcomes, table: holdout, features: ["x"], edgesFrom: { _ in nil }, policy: policy, jobs: 1).slices.isEmpty)
        policy.minRows = 5
        let found = SliceSearch(outcomes: outcomes, table: holdout, features: ["x"], edgesFrom: { _ in nil }, policy: policy, jobs: 1).slices
        #expect(found.map(\.text).sorted() == ["x = a", "x = b"])
    }
}
