import FixtureRepos
import Foundation
import Testing

/// Verdicts on the pull requests data repositories really see, made on a census-like export
/// (`fixtures/census`, from `fixtures/tools/make_census.py`): clean-ups that remove or reorder
/// rows, renamed columns, dropped features, a column that restates the label.
@Suite struct RealPullRequestTests {
    static let censusDirectory = Scenario.fixturesDirectory.appendingPathComponent("census")

    static func lines(_ name: String) throws -> [String] {
        let text = try String(contentsOf: censusDirectory.appendingPathComponent(name), encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    static let config = """
    version: 1
    task: binary
    target: income
    positive: ">50K"
    seed: 7
    data:
      train: data/census.csv
    features:
      ignore: ["unnamed column 1", respondent_id]
      protected: [Sex]
    schema:
      "Interview Date": {type: datetime}
    model:
      kind: gbdt
      params: {trees: 60, leaves: 15}
    checks:
      model-evaluation:
        metrics: [auc, accuracy, log_loss]
        max_drop: {auc: 0.01, accuracy: 0.01}
      fairness:
        metrics: {demographic_parity_difference: {fail: 0.9}}
        max_increase: 0.5

    """

    /// A repository whose `main` holds `base` and whose checked-out `pr` branch holds `head`.
    static func repository(_ temp: TemporaryDirectory, base: [String: String], head: [String: String]) throws -> String {
        let writer = try RepoWriter(initializingAt: temp.child("repo"))
        func bytes(_ files: [String: String]) -> [String: [UInt8]] { files.mapValues { Array($0.utf8) } }
        let main = try writer.commit(bytes(base), message: "main", parents: [], branch: "main")
        _ = try writer.commit(bytes(head), message: "the pull request", parents: [main], branch: "pr")
        try writer.checkout(branch: "pr")
        return writer.path
    }

    static func csv(_ lines: [String]) -> String { lines.joined(separator: "\n") + "\n" }

    /// Runs the gate and returns the exit status and the report's checks by id.
    static func check(_ repo: String, _ temp: TemporaryDirectory, _ extra: [String] = []) throws -> (status: Int32, checks: [String: [String: Any]], stderr: String) {
        let report = temp.child("report-\(UUID().uuidString.prefix(6)).json")
        let run = try MLGateBinary.run(["check", "--base", "main", "--json", report] + extra, in: repo)
        guard FileManager.default.fileExists(atPath: report) else { return (run.status, [:], run.stderr) }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as! [String: Any]
        var checks: [String: [String: Any]] = [:]
        for plugin in json["plugins"] as! [[String: Any]] {
            for check in plugin["checks"] as! [[String: Any]] { checks[check["id"] as! String] = check }
        }
        return (run.status, checks, run.stderr)
    }

    // MARK: Row edits that change nothing about the model

    enum RowEdit: String, CaseIterable, CustomTestStringConvertible {
        case removeFirstRow = "remove the first row"
        case reorder = "reverse the rows"
        case append = "append 400 rows"
        case removeFromMiddle = "remove 200 rows from the middle"
        case editInMiddle = "edit hours in 30 rows in the middle"
        var testDescription: String { rawValue }

        func apply(_ rows: [String], more: [String]) -> [String] {
            switch self {
            case .removeFirstRow: Array(rows.dropFirst())
            case .reorder: rows.reversed()
            case .append: rows + more
            case .removeFromMiddle: Array(rows[..<1800] + rows[2000...])
            case .editInMiddle:
                rows.enumerated().map { i, line in
                    guard (2000..<2030).contains(i) else { return line }
                    var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                    fields[10] = String((Int(fields[10]) ?? 40) + 1)
                    return fields.joined(separator: ",")
                }
            }
        }
    }

    /// The false failure that started this: with a split by row position, removing or reordering
    /// rows moved rows the baseline model had trained on into head's holdout, where it scored
    /// rows it had memorised, and the candidate looked worse. Split by content, no model verdict
    /// moves, and where the training rows are the same the two models score alike.
    @Test(arguments: RowEdit.allCases)
    func rowEditsChangeNoModelVerdict(_ edit: RowEdit) throws {
        let temp = try TemporaryDirectory("rows")
        let all = try Self.lines("train.csv"), more = try Array(Self.lines("more.csv").dropFirst())
        let header = all[0], rows = Array(all.dropFirst())
        let repo = try Self.repository(temp, base: ["mlgate.yml": Self.config, "data/census.csv": Self.csv([header] + rows)],
                                       head: ["mlgate.yml": Self.config, "data/census.csv": Self.csv([header] + edit.apply(rows, more: more))])
        let run = try Self.check(repo, temp, ["--only", "model-evaluation"])
        #expect(run.status == 0, "\(run.stderr)")
        for id in ["model-evaluation/auc", "model-evaluation/accuracy", "model-evaluation/log_loss"] {
            let check = try #require(run.checks[id], "\(id) missing: \(run.stderr)")
            #expect(check["status"] as? String == "pass", "\(id): \(check["message"] ?? "")")
            let details = check["details"] as? [String: Any] ?? [:]
            #expect(details["left_out"] == nil, "no holdout row of a content split can be in a training set")
        }
        let auc = try #require(run.checks["model-evaluation/auc"])
        let candidate = try #require(auc["value"] as? Double), baseline = try #require(auc["baseline"] as? Double)
        // The same training rows in another order: the same model but for the order of float
        // sums. One row fewer: another model within noise. (A positional split scored the
        // baseline on rows it had memorised here: 0.075 of AUC above the candidate, and auc and
        // accuracy failed on reordering, on removing the first row and on removing rows mid-file.)
        if edit == .reorder { #expect(abs(candidate - baseline) < 0.003, "baseline \(baseline), candidate \(candidate)") }
        if edit == .removeFirstRow { #expect(abs(candidate - baseline) < 0.01, "baseline \(baseline), candidate \(candidate)") }
    }

    // MARK: Rows moved between a holdout file and train

    @Test func rowsMovedIntoTheHoldoutAreLeftOutOfTheComparisonAndCounted() throws {
        let temp = try TemporaryDirectory("rows")
        let all = try Self.lines("train.csv")
        let header = all[0], rows = Array(all.dropFirst())
        let withHoldout = Self.config.replacingOccurrences(of: "  train: data/census.csv\n", with: "  train: data/census.csv\n  holdout: data/holdout.csv\n")
        // The PR moves 300 training rows into the holdout file.
        let repo = try Self.repository(temp,
            base: ["mlgate.yml": withHoldout, "data/census.csv": Self.csv([header] + rows[..<3200]), "data/holdout.csv": Self.csv([header] + rows[3200...])],
            head: ["mlgate.yml": withHoldout, "data/census.csv": Self.csv([header] + rows[..<2900]), "data/holdout.csv": Self.csv([header] + rows[2900...])])
        let run = try Self.check(repo, temp, ["--only", "model-evaluation"])
        let auc = try #require(run.checks["model-evaluation/auc"], "\(run.stderr)")
        let leftOut = try #require((auc["details"] as? [String: Any])?["left_out"] as? [String: Any])
        #expect(leftOut["trained_by_baseline"] as? Double == 300, "\(leftOut)")
        #expect(leftOut["compared_rows"] as? Double == 800)
        #expect((auc["message"] as? String)?.contains("300 of head's 1100 holdout rows left out of the comparison: 300 also in the data the baseline model trained on") == true)
        #expect(run.status == 0, "\(run.stderr)")
    }

    /// A PR whose export splits a work class in two: the candidate learned 'Private-contract',
    /// the baseline model never saw it, so rows with it are compared on neither side's terms
    /// and are left out, counted and named.
    @Test func rowsWithCategoriesTheBaselineModelNeverSawAreLeftOutAndNamed() throws {
        let temp = try TemporaryDirectory("categories")
        let all = try Self.lines("train.csv")
        let head = all.enumerated().map { i, line in i > 0 && i % 4 == 0 ? line.replacingOccurrences(of: ",Private,", with: ",Private-contract,") : line }
        let repo = try Self.repository(temp, base: ["mlgate.yml": Self.config, "data/census.csv": Self.csv(all)],
                                       head: ["mlgate.yml": Self.config, "data/census.csv": Self.csv(head)])
        let run = try Self.check(repo, temp, ["--only", "model-evaluation"])
        let auc = try #require(run.checks["model-evaluation/auc"], "\(run.stderr)")
        let leftOut = try #require((auc["details"] as? [String: Any])?["left_out"] as? [String: Any], "\(auc)")
        let unseen = try #require(leftOut["categories_unseen_by_baseline"] as? Double)
        #expect(unseen > 50 && unseen < 250, "\(leftOut)")
        #expect((auc["message"] as? String)?.contains("with categories the candidate learned and the baseline model did not see (Work Class=Private-contract)") == true, "\(auc)")
    }

    @Test func aHoldoutOfTrainingRowsLeavesNothingToCompareAndSaysSo() throws {
        let temp = try TemporaryDirectory("all-in-train")
        let all = try Self.lines("train.csv")
        let config = Self.config.replacingOccurrences(of: "  train: data/census.csv\n", with: "  train: data/census.csv\n  holdout: data/holdout.csv\n")
        let files = ["mlgate.yml": config, "data/census.csv": Self.csv(all), "data/holdout.csv": Self.csv(Array(all[..<301]))]
        let repo = try Self.repository(temp, base: files, head: files)
        let run = try Self.check(repo, temp)
        #expect(run.status == 1)
        #expect(run.checks["data-validation/leakage"]?["status"] as? String == "warn", "preexisting: the baseline leaks as much")
        let training = try #require(run.checks["model-evaluation/training"], "\(run.checks.keys.sorted())")
        #expect(training["status"] as? String == "error")
        #expect((training["message"] as? String)?.contains("no holdout row is left to compare the models on (300 of head's 300 holdout rows left out") == true, "\(training)")
    }

    // MARK: Schema changes

    /// Columns of the census rows with one renamed (and, optionally, one dropped).
    static func rewriting(_ lines: [String], rename: (String, String)? = nil, drop: String? = nil) -> [String] {
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let dropIndex = drop.flatMap { header.firstIndex(of: $0) }
        return lines.enumerated().map { i, line in
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if i == 0, let rename, let at = fields.firstIndex(of: rename.0) { fields[at] = rename.1 }
            if let dropIndex { fields.remove(at: dropIndex) }
            return fields.joined(separator: ",")
        }
    }

    @Test func aRenamedColumnIsReportedAsARenameAndTheBaselineModelIsScoredThroughIt() throws {
        let temp = try TemporaryDirectory("rename")
        let all = try Self.lines("train.csv")
        let repo = try Self.repository(temp, base: ["mlgate.yml": Self.config, "data/census.csv": Self.csv(all)],
                                       head: ["mlgate.yml": Self.config, "data/census.csv": Self.csv(Self.rewriting(all, rename: ("Hours per Week", "hours_per_week")))])
        let run = try Self.check(repo, temp)
        let schema = try #require(run.checks["data-validation/schema"], "\(run.stderr)")
        #expect(schema["status"] as? String == "warn")
        #expect((schema["message"] as? String)?.contains("renamed 'Hours per Week' → 'hours_per_week' (same values in 100% of rows)") == true, "\(schema)")
        // Compared with its old self, not skipped as a new column: the same values, no drift.
        #expect(run.checks["data-validation/drift/hours_per_week"]?["value"] as? Double == 0)
        let auc = try #require(run.checks["model-evaluation/auc"])
        #expect(auc["status"] as? String == "pass", "\(auc)")
        let details = try #require(auc["details"] as? [String: Any])
        #expect((details["renamed"] as? String)?.contains("Hours per Week → hours_per_week") == true)
        // Same rows, same values: the mapped baseline model scores as the candidate does.
        let candidate = try #require(auc["value"] as? Double), baseline = try #require(auc["baseline"] as? Double)
        #expect(abs(candidate - baseline) < 1e-9)
        #expect(run.status == 0, "\(run.stderr)")
    }

    @Test func aFeatureTheBaselineModelNeedsIsGoneSoTheComparisonSaysItIsNotComparable() throws {
        let temp = try TemporaryDirectory("dropped")
        let all = try Self.lines("train.csv")
        let repo = try Self.repository(temp, base: ["mlgate.yml": Self.config, "data/census.csv": Self.csv(all)],
                                       head: ["mlgate.yml": Self.config, "data/census.csv": Self.csv(Self.rewriting(all, drop: "Education Num"))])
        let run = try Self.check(repo, temp)
        #expect(run.checks["data-validation/schema"]?["status"] as? String == "fail")
        for id in ["model-evaluation/auc", "model-evaluation/accuracy", "fairness/demographic_parity_difference/Sex"] {
            let check = try #require(run.checks[id], "\(id): \(run.stderr)")
            #expect(check["status"] as? String == "warn", "\(id): \(check)")
            #expect((check["message"] as? String)?.contains("the baseline model learned from 'Education Num' (not in head's data)") == true, "\(check)")
        }
        #expect(run.checks["model-evaluation/auc"]?["baseline"] is NSNull)
    }

    @Test func aRemovedColumnThatWasIgnoredWarns() throws {
        let temp = try TemporaryDirectory("ignored")
        let all = try Self.lines("train.csv")
        let repo = try Self.repository(temp, base: ["mlgate.yml": Self.config, "data/census.csv": Self.csv(all)],
                                       head: ["mlgate.yml": Self.config, "data/census.csv": Self.csv(Self.rewriting(all, drop: "respondent_id"))])
        let run = try Self.check(repo, temp, ["--only", "data-validation"])
        let schema = try #require(run.checks["data-validation/schema"], "\(run.stderr)")
        #expect(schema["status"] as? String == "warn")
        #expect((schema["message"] as? String)?.contains("removed column 'respondent_id', listed in features.ignore") == true, "\(schema)")
    }

    // MARK: Labels

    @Test func aColumnThatRestatesTheLabelFailsTargetLeakage() throws {
        let temp = try TemporaryDirectory("leak")
        let all = try Self.lines("train.csv")
        // The PR adds the label under another name, blank where the label is.
        let leaked = all.enumerated().map { i, line -> String in
            if i == 0 { return line + ",high_earner" }
            let label = line.split(separator: ",", omittingEmptySubsequences: false).last.map(String.init) ?? ""
            return line + "," + (label.isEmpty ? "" : label == ">50K" ? "yes" : "no")
        }
        let repo = try Self.repository(temp, base: ["mlgate.yml": Self.config, "data/census.csv": Self.csv(all)],
                                       head: ["mlgate.yml": Self.config, "data/census.csv": Self.csv(leaked)])
        let run = try Self.check(repo, temp, ["--only", "data-validation"])
        let leak = try #require(run.checks["data-validation/target-leakage/high_earner"], "\(run.checks.keys.sorted())")
        #expect(leak["status"] as? String == "fail")
        #expect((leak["message"] as? String)?.contains("pair one to one with the classes of 'income'") == true)
        #expect((leak["message"] as? String)?.contains("features.ignore") == true)
        #expect(run.checks.keys.filter { $0.hasPrefix("data-validation/target-leakage/") }.count == 1, "only the restating column")
        #expect(run.status == 1)
        // Report files hold the detail; the log still names what fails.
        #expect(run.stderr.contains("FAIL  data-validation/target-leakage/high_earner"), "\(run.stderr)")
        let missing = try #require(run.checks["data-validation/missing-target"])
        #expect(missing["status"] as? String == "pass" && (missing["message"] as? String)?.contains("37 of 4000 rows") == true, "\(missing)")
    }

    @Test func rowsWithoutALabelAreCountedAndAFileWithNoneFails() throws {
        let temp = try TemporaryDirectory("labels")
        let all = try Self.lines("train.csv")
        func unlabel(_ keep: (Int) -> Bool) -> [String] {
            all.enumerated().map { i, line in
                guard i > 0, !keep(i) else { return line }
                return line.split(separator: ",", omittingEmptySubsequences: false).dropLast().joined(separator: ",") + ","
            }
        }
        let more = try Self.repository(temp, base: ["mlgate.yml": Self.config, "data/census.csv": Self.csv(all)],
                                       head: ["mlgate.yml": Self.config, "data/census.csv": Self.csv(unlabel { $0 % 10 != 0 })])
        let run = try Self.check(more, temp, ["--only", "data-validation"])
        let missing = try #require(run.checks["data-validation/missing-target"], "\(run.stderr)")
        #expect(missing["status"] as? String == "warn", "\(missing)")
        let none = try TemporaryDirectory("labels")
        let repo = try Self.repository(none, base: ["mlgate.yml": Self.config, "data/census.csv": Self.csv(all)],
                                       head: ["mlgate.yml": Self.config, "data/census.csv": Self.csv(unlabel { _ in false })])
        let empty = try Self.check(repo, none)
        #expect(empty.checks["data-validation/missing-target"]?["status"] as? String == "fail")
        let training = try #require(empty.checks["model-evaluation/training"], "\(empty.checks.keys.sorted())")
        #expect((training["message"] as? String)?.contains("no row of the training data has a value in the target column 'income'") == true, "\(training)")
        #expect(empty.status == 1)
    }

    @Test func aTargetWithOneClassSaysSo() throws {
        let temp = try TemporaryDirectory("one-class")
        let all = try Self.lines("train.csv")
        let oneClass = [all[0]] + all.dropFirst().filter { $0.hasSuffix("<=50K") }
        let config = Self.config.replacingOccurrences(of: "positive: \">50K\"\n", with: "")
        let repo = try Self.repository(temp, base: ["mlgate.yml": config, "data/census.csv": Self.csv(oneClass)],
                                       head: ["mlgate.yml": config, "data/census.csv": Self.csv(oneClass)])
        let run = try Self.check(repo, temp, ["--only", "model-evaluation"])
        let training = try #require(run.checks["model-evaluation/training"], "\(run.stderr)")
        #expect((training["message"] as? String)?.contains("the target 'income' has one class ('<=50K')") == true, "\(training)")
    }
}
