import Behavioural
import DataValidation
import Engine
import Fairness
import ModelEvaluation
import PluginRegistry
import FixtureRepos
import Foundation
import GateKit
import Testing

@Suite struct ConfigurationLoaderTests {
    func load(_ text: String) throws(ConfigurationError) -> Configuration {
        try ConfigurationLoader.load(text, file: "mlgate.yml", plugins: PluginRegistry.all).configuration
    }

    func error(_ text: String) -> ConfigurationError? {
        do {
            _ = try load(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func loadsTheFixtureConfigurationIntoTypedValues() throws {
        let text = try String(contentsOf: Scenario.fixturesDirectory.appendingPathComponent("clean/base/mlgate.yml"), encoding: .utf8)
        let config = try load(text)
        #expect(config.task == .binary && config.target == "approved" && config.positive == "1" && config.seed == 42)
        #expect(config.data == DataPaths(train: "data/train.csv", holdout: "data/holdout.csv"))
        #expect(config.features.categorical == ["region", "postcode"] && config.features.protected == ["sex"])
        #expect(config.expectation(for: "age")?.min == 18 && config.expectation(for: "age")?.maxNullFraction == 0.05)
        #expect(config.expectation(for: "region")?.values == ["north", "south", "east", "west"])
        #expect(config.model.kind == .gbdt && config.model.trees == 50 && config.model.leaves == 15)
        #expect(config.checks.section(DataValidationPolicy.self, for: "data-validation").drift.fail == 0.25)
        #expect(config.checks.section(ModelEvaluationPolicy.self, for: "model-evaluation").maxDrop == [MetricBound(metric: "auc", value: 0.02)])
        #expect(config.checks.section(FairnessPolicy.self, for: "fairness").metrics.first?.fail == 0.15)
    }

    @Test func loadsTheSpecExampleWithEverySection() throws {
        let config = try load("""
        version: 1
        task: binary
        target: approved
        positive: yes
        data: {train: ./data//train.csv, holdout: data/holdout.csv, predictions: null}
        features: {ignore: customer_id, use_protected: [sex]}
        checks:
          model-evaluation:
            metrics: [auc, accuracy, f1, log_loss]
            min: {auc: 0.0}
            slices: [region]
          behavioural:
            - {name: higher income never lowers approval, kind: directional, feature: income, change: {add: 1000}, expect: non_decreasing}
            - {name: postcode does not matter, kind: invariance, feature: postcode, change: {shuffle: true}, tolerance: 0.01}
            - {name: known edge cases, kind: cases, file: tests/edge_cases.csv, min_pass_rate: 1.0}
            - {name: rename, kind: invariance, feature: region, change: {replace: {north: south}}}
          fairness:
            metrics:
              equalized_odds_difference: {fail: 0.1}
              disparate_impact_ratio: {min: 0.8}
            intersections: true
          strict: true
        plugins:
          - {name: row-count, command: [python3, checks/row_count.py], timeout: 60}
        """)
        #expect(config.positive == "yes")
        #expect(config.data.train == "data/train.csv" && config.data.predictions == nil)
        #expect(config.features.ignore == ["customer_id"])
        #expect(config.checks.section(BehaviouralPolicy.self, for: "behavioural").tests.map(\.kind) == [.directional, .invariance, .cases, .invariance])
        #expect(config.checks.section(BehaviouralPolicy.self, for: "behavioural").tests[0].change == .add(1000))
        #expect(config.checks.section(BehaviouralPolicy.self, for: "behavioural").tests[1].change == .shuffle)
        #expect(config.checks.section(BehaviouralPolicy.self, for: "behavioural").tests[3].change == .replace([("north", "south")]))
        #expect(config.checks.section(FairnessPolicy.self, for: "fairness").metrics.map(\.metric) == ["equalized_odds_difference", "disparate_impact_ratio"])
        #expect(config.checks.section(FairnessPolicy.self, for: "fairness").metrics[1].min == 0.8 && config.checks.strict)
        #expect(config.plugins == [ExternalPluginSpec(name: "row-count", command: ["python3", "checks/row_count.py"])])
    }

    @Test func namesTheLineAndKeyOfAnUnknownKeyWithASuggestion() throws {
        let e = try #require(error("version: 1\ntarget: y\ndata: {train: a.csv}\nchecks:\n  data-validation:\n    drfit: {fail: 0.3}\n"))
        #expect(e.line == 6 && e.key == "checks.data-validation.drfit")
        #expect(e.description.hasPrefix("mlgate.yml:6: checks.data-validation.drfit: unknown key; did you mean 'drift'?"))
    }

    /// Anchors and aliases as people use them (one schema entry for several columns) still load.
    @Test func aliasesThatRepeatAFewValuesLoad() throws {
        let config = try load("target: &t y\ndata: {train: &p a.csv, holdout: *p}\nfeatures: {ignore: [*t]}\nschema:\n  a: &s {type: numeric, min: 0}\n  b: *s\n")
        #expect(config.data.holdout == "a.csv" && config.schema.map(\.min) == [0, 0])
    }

    @Test(arguments: [
        ("target: y\ndata: {train: a.csv}\nseed: many\n", 3, "seed", "expected a whole number"),
        ("target: y\ndata: {train: a.csv}\ntask: ranking\n", 3, "task", "not one of binary, multiclass, regression"),
        ("target: y\ndata: {train: ../secret.csv}\n", 2, "data.train", "leaves the repository"),
        ("target: y\ndata: {train: /etc/passwd}\n", 2, "data.train", "absolute"),
        ("target: y\ndata:\n  train: a.csv\n  holdout: x/../../b.csv\n", 4, "data.holdout", "leaves the repository"),
        ("target: y\ndata: {train: a.csv}\nversion: 2\n", 3, "version", "newer than this mlgate"),
        ("data: {train: a.csv}\n", 1, "", "missing required key 'target'"),
        ("target: y\ndata: {holdout: a.csv}\n", 2, "data", "missing required key 'train'"),
        ("target: y\ndata: {train: a.csv}\nchecks:\n  data-validation:\n    drift: {warn: 0.3, fail: 0.2}\n", 5, "checks.data-validation.drift", "must not exceed"),
        ("target: y\ndata: {train: a.csv}\nchecks:\n  data-validation: {max_null_increase: 2}\n", 4, "checks.data-validation.max_null_increase", "outside 0.0…1.0"),
        ("target: y\ndata: {train: a.csv}\nchecks:\n  model-evaluation: {max_drop: {auroc: 0.01}}\n", 4, "checks.model-evaluation.max_drop.auroc", "did you mean 'auc'"),
        ("target: y\ndata: {train: a.csv}\nchecks:\n  behavioural:\n    - {name: t, kind: directional, feature: x}\n", 5, "checks.behavioural[0]", "needs 'feature', 'change' and 'expect'"),
        ("target: y\ndata: {train: a.csv}\nmodel: {params: {leaves: 1}}\n", 3, "model.params.leaves", "outside 2…"),
        ("target: y\ndata: {train: a.csv}\ntarget: z\n", 3, "target", "twice"),
        ("target: y\ndata: {train: a.csv\n", 3, "", "not valid YAML"),
        ("", 0, "", "empty"),
        // 870 bytes of anchors and aliases naming 9^8 values: refused at once, not walked.
        ("target: y\ndata: {train: a.csv}\nplugins:\n  - name: b\n    command: [x]\n    config:\n      a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
         + (1...8).map { i in "      a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ", ") + "]\n" }.joined(),
         7, "", "expands to more than 100000 values"),
    ])
    func rejectsBadConfigurationsNamingLineAndKey(text: String, line: Int, key: String, problem: String) throws {
        let e = try #require(error(text))
        #expect(e.line == line, "\(e)")
        #expect(e.key == key, "\(e)")
        #expect(e.description.contains(problem), "\(e)")
    }
}
