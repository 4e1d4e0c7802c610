import GateKit
import Yams

/// Reads `mlgate.yml` (SPEC §2) into a typed `Configuration`, rejecting what it does not know.
public enum ConfigurationLoader {
    /// A loaded configuration with the source text of its `checks:` section, for showing a
    /// policy change as a diff.
    public struct Loaded: Sendable {
        public let configuration: Configuration
        /// `checks:` re-serialised canonically (comments and spacing do not count as changes).
        public let checksText: String
    }

    public static let metricNames = ["auc", "pr_auc", "accuracy", "f1", "precision", "recall", "log_loss",
                                     "brier", "ece", "rmse", "mae", "r2"]

    /// Parses `text`, naming it `file` in errors.
    public static func load(_ text: String, file: String) throws(ConfigurationError) -> Loaded {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ConfigurationError(file: file, line: 0, key: "", problem: "the file is empty; run `mlgate init` to write one")
            }
            root = node
        } catch let error as ConfigurationError {
            throw error
        } catch let error as YamlError {
            if case .duplicatedKeysInMapping(let duplicates, let context) = error, let key = duplicates.first {
                // Yams marks the mapping; point at the key's second occurrence instead.
                let line = Self.secondOccurrence(of: key, in: text, after: context.mark.line) ?? context.mark.line
                throw ConfigurationError(file: file, line: line, key: key, problem: "key given twice")
            }
            throw ConfigurationError(file: file, line: Self.line(of: error), key: "", problem: "not valid YAML: \(Self.problem(of: error))")
        } catch {
            throw ConfigurationError(file: file, line: 0, key: "", problem: "not valid YAML: \(error)")
        }
        let top = YAMLField(node: root, key: "", file: file)
        let members = try top.mapping(allowed: ["version", "task", "target", "positive", "seed", "data", "features",
                                                "schema", "model", "checks", "plugins"])
        func member(_ name: String) -> YAMLField? { members.first { $0.name == name }?.field }

        guard let targetField = member("target") else { throw top.error("missing required key 'target' (the label column)") }
        guard let dataField = member("data") else { throw top.error("missing required key 'data' (with at least `train: PATH`)") }
        var config = Configuration(target: try targetField.string(), data: try dataPaths(dataField))
        if let field = member("version") {
            let version = try field.int()
            guard version <= Configuration.supportedVersion else {
                throw field.error("version \(version) is newer than this mlgate understands (\(Configuration.supportedVersion)); upgrade mlgate")
            }
            guard version >= 1 else { throw field.error("version must be 1") }
            config.version = version
        }
        if let field = member("task") { config.task = try field.oneOf(TaskKind.self) }
        if let field = member("positive"), !field.isNull { config.positive = try field.string() }
        if let field = member("seed") { config.seed = UInt64(try field.int(in: 0...Int.max)) }
        if let field = member("features") { config.features = try features(field) }
        if let field = member("schema"), !field.isNull { config.schema = try schema(field) }
        if let field = member("model") { config.model = try model(field) }
        var checksText = ""
        if let field = member("checks"), !field.isNull {
            config.checks = try policy(field, task: config.task)
            checksText = (try? Yams.serialize(node: field.node, sortKeys: false)) ?? ""
        }
        if let field = member("plugins"), !field.isNull { config.plugins = try plugins(field) }
        return Loaded(configuration: config, checksText: checksText)
    }

    // MARK: Sections

    private static func dataPaths(_ field: YAMLField) throws(ConfigurationError) -> DataPaths {
        let members = try field.mapping(allowed: ["train", "holdout", "predictions"])
        guard let train = members.first(where: { $0.name == "train" }) else {
            throw field.error("missing required key 'train' (the training data file)")
        }
        var paths = DataPaths(train: try repositoryPath(train.field))
        for (name, value) in members where !value.isNull {
            switch name {
            case "holdout": paths.holdout = try repositoryPath(value)
            case "predictions": paths.predictions = try repositoryPath(value)
            default: break
            }
        }
        return paths
    }

    /// A path inside the repository, normalised (`./a//b` → `a/b`); absolute paths and paths
    /// that climb out with `..` are errors, since mlgate reads only what the revision holds.
    static func repositoryPath(_ field: YAMLField) throws(ConfigurationError) -> String {
        let raw = try field.string()
        guard !raw.hasPrefix("/"), !raw.hasPrefix("~") else {
            throw field.error("'\(raw)' is absolute; give a path relative to the repository root")
        }
        var parts: [Substring] = []
        for part in raw.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                guard !parts.isEmpty else { throw field.error("'\(raw)' leaves the repository; paths must stay inside it") }
                parts.removeLast()
            } else {
                parts.append(part)
            }
        }
        guard !parts.isEmpty else { throw field.error("'\(raw)' names no file") }
        return parts.joined(separator: "/")
    }

    private static func features(_ field: YAMLField) throws(ConfigurationError) -> Features {
        var features = Features()
        for (name, value) in try field.mapping(allowed: ["ignore", "categorical", "protected", "use_protected"]) {
            switch name {
            case "ignore": features.ignore = try value.strings()
            case "categorical": features.categorical = try value.strings()
            case "protected": features.protected = try value.strings()
            default: features.useProtected = try value.strings()
            }
        }
        return features
    }

    private static func schema(_ field: YAMLField) throws(ConfigurationError) -> [ColumnExpectation] {
        var expectations: [ColumnExpectation] = []
        for (column, value) in try field.namedMapping() {
            var expectation = ColumnExpectation(column: column)
            for (name, item) in try value.mapping(allowed: ["type", "min", "max", "max_null_fraction", "values"]) {
                switch name {
                case "type": expectation.type = try item.oneOf(SchemaType.self)
                case "min": expectation.min = try item.double()
                case "max": expectation.max = try item.double()
                case "max_null_fraction": expectation.maxNullFraction = try item.double(in: 0...1)
                default: expectation.values = try item.strings()
                }
            }
            if let min = expectation.min, let max = expectation.max, min > max {
                throw value.error("min \(min) is above max \(max)")
            }
            expectations.append(expectation)
        }
        return expectations
    }

    private static func model(_ field: YAMLField) throws(ConfigurationError) -> ModelSpec {
        var spec = ModelSpec()
        for (name, value) in try field.mapping(allowed: ["kind", "params", "sample_rows"]) {
            switch name {
            case "kind": spec.kind = try value.oneOf(ModelKind.self)
            case "sample_rows": spec.sampleRows = try value.int(in: 100...Int.max)
            default:
                for (param, item) in try value.mapping(allowed: ["trees", "leaves", "learning_rate", "max_bins", "min_samples_leaf",
                                                                 "l2", "subsample", "colsample", "C", "alpha"]) {
                    switch param {
                    case "trees": spec.trees = try item.int(in: 1...100_000)
                    case "leaves": spec.leaves = try item.int(in: 2...131_072)
                    case "learning_rate": spec.learningRate = try item.double(in: 1e-6...1)
                    case "max_bins": spec.maxBins = try item.int(in: 2...255)
                    case "min_samples_leaf": spec.minSamplesLeaf = try item.int(in: 1...Int.max)
                    case "l2": spec.l2 = try item.double(in: 0...1e12)
                    case "subsample": spec.subsample = try item.double(in: 1e-3...1)
                    case "colsample": spec.colsample = try item.double(in: 1e-3...1)
                    case "C": spec.c = try item.double(in: 1e-12...1e12)
                    default: spec.alpha = try item.double(in: 0...1e12)
                    }
                }
            }
        }
        return spec
    }

    private static func policy(_ field: YAMLField, task: TaskKind) throws(ConfigurationError) -> Policy {
        var policy = Policy()
        for (name, value) in try field.mapping(allowed: ["data-validation", "model-evaluation", "behavioural", "fairness", "strict"]) {
            switch name {
            case "data-validation": policy.dataValidation = try dataValidation(value)
            case "model-evaluation": policy.modelEvaluation = try modelEvaluation(value)
            case "behavioural": policy.behavioural = try behavioural(value)
            case "fairness": policy.fairness = try fairness(value)
            default: policy.strict = try value.bool()
            }
        }
        return policy
    }

    private static func dataValidation(_ field: YAMLField) throws(ConfigurationError) -> DataValidationPolicy {
        var policy = DataValidationPolicy()
        if field.isNull { return policy }
        for (name, value) in try field.mapping(allowed: ["drift", "max_null_increase", "max_row_change"]) {
            switch name {
            case "drift":
                for (key, item) in try value.mapping(allowed: ["statistic", "warn", "fail", "min_rows"]) {
                    switch key {
                    case "statistic":
                        let statistic = try item.string()
                        guard statistic == "psi" else { throw item.error("'\(statistic)' is not supported; drift is judged on psi (KS and chi-square p-values are reported)") }
                        policy.drift.statistic = statistic
                    case "warn": policy.drift.warn = try item.double(in: 0...100)
                    case "fail": policy.drift.fail = try item.double(in: 0...100)
                    default: policy.drift.minRows = try item.int(in: 1...Int.max)
                    }
                }
                if policy.drift.warn > policy.drift.fail {
                    throw value.error("warn (\(policy.drift.warn)) must not exceed fail (\(policy.drift.fail))")
                }
            case "max_null_increase": policy.maxNullIncrease = try value.double(in: 0...1)
            default: policy.maxRowChange = try value.double(in: 0...1e6)
            }
        }
        return policy
    }

    private static func metric(_ field: YAMLField, _ name: String) throws(ConfigurationError) -> String {
        guard metricNames.contains(name) else {
            let hint = YAMLField.closest(to: name, in: metricNames).map { "did you mean '\($0)'? " } ?? ""
            throw field.error("unknown metric '\(name)'; \(hint)known: \(metricNames.joined(separator: ", "))")
        }
        return name
    }

    private static func modelEvaluation(_ field: YAMLField) throws(ConfigurationError) -> ModelEvaluationPolicy {
        var policy = ModelEvaluationPolicy()
        if field.isNull { return policy }
        for (name, value) in try field.mapping(allowed: ["metrics", "primary", "min", "max_drop", "bootstrap", "slices"]) {
            switch name {
            case "metrics":
                var metrics: [String] = []
                for item in try value.strings() { metrics.append(try metric(value, item)) }
                policy.metrics = metrics
            case "primary": policy.primary = try metric(value, try value.string())
            case "min", "max_drop":
                var bounds: [MetricBound] = []
                for (metricName, item) in try value.namedMapping() {
                    bounds.append(MetricBound(metric: try metric(item, metricName), value: try item.double()))
                }
                if name == "min" { policy.min = bounds } else { policy.maxDrop = bounds }
            case "bootstrap": policy.bootstrap = try value.int(in: 0...1_000_000)
            default: policy.slices = try value.strings()
            }
        }
        return policy
    }

    private static func behavioural(_ field: YAMLField) throws(ConfigurationError) -> [BehaviouralTest] {
        var tests: [BehaviouralTest] = []
        for item in try field.sequence() {
            let members = try item.mapping(allowed: ["name", "kind", "feature", "change", "expect", "tolerance", "file", "min_pass_rate"])
            func member(_ key: String) -> YAMLField? { members.first { $0.name == key }?.field }
            guard let nameField = member("name") else { throw item.error("each behavioural test needs a 'name'") }
            guard let kindField = member("kind") else { throw item.error("each behavioural test needs a 'kind' (directional, invariance or cases)") }
            var test = BehaviouralTest(name: try nameField.string(), kind: try kindField.oneOf(BehaviouralTest.Kind.self))
            guard !tests.contains(where: { $0.name == test.name }) else { throw nameField.error("two behavioural tests are named '\(test.name)'") }
            if let f = member("feature") { test.feature = try f.string() }
            if let f = member("change") { test.change = try change(f) }
            if let f = member("expect") { test.expect = try f.oneOf(BehaviouralTest.Expectation.self) }
            if let f = member("tolerance") { test.tolerance = try f.double(in: 0...1e12) }
            if let f = member("file") { test.file = try repositoryPath(f) }
            if let f = member("min_pass_rate") { test.minPassRate = try f.double(in: 0...1) }
            switch test.kind {
            case .directional:
                guard test.feature != nil, test.change != nil, test.expect != nil else {
                    throw item.error("a directional test needs 'feature', 'change' and 'expect'")
                }
            case .invariance:
                guard test.feature != nil, test.change != nil else { throw item.error("an invariance test needs 'feature' and 'change'") }
            case .cases:
                guard test.file != nil else { throw item.error("a cases test needs 'file' (a CSV of feature columns and the expected label)") }
            }
            tests.append(test)
        }
        return tests
    }

    private static func change(_ field: YAMLField) throws(ConfigurationError) -> BehaviouralTest.Change {
        let members = try field.mapping(allowed: ["add", "multiply", "set", "replace", "shuffle"])
        guard members.count == 1, let (name, value) = members.first else {
            throw field.error("give exactly one of add, multiply, set, replace, shuffle")
        }
        switch name {
        case "add": return .add(try value.double())
        case "multiply": return .multiply(try value.double())
        case "set": return .set(try value.string())
        case "replace":
            var pairs: [(from: String, to: String)] = []
            for (from, to) in try value.namedMapping() { pairs.append((from, try to.string())) }
            return .replace(pairs)
        default:
            guard try value.bool() else { throw value.error("shuffle takes true") }
            return .shuffle
        }
    }

    private static func fairness(_ field: YAMLField) throws(ConfigurationError) -> FairnessPolicy {
        var policy = FairnessPolicy()
        if field.isNull { return policy }
        for (name, value) in try field.mapping(allowed: ["metrics", "max_increase", "min_group_size", "intersections"]) {
            switch name {
            case "metrics":
                for (metricName, item) in try value.namedMapping() {
                    guard FairnessPolicy.metricNames.contains(metricName) else {
                        throw item.error("unknown fairness metric; known: \(FairnessPolicy.metricNames.joined(separator: ", "))")
                    }
                    var rule = FairnessPolicy.MetricRule(metric: metricName)
                    if !item.isNull {
                        for (key, bound) in try item.mapping(allowed: ["fail", "min"]) {
                            if key == "fail" { rule.fail = try bound.double() } else { rule.min = try bound.double() }
                        }
                    }
                    policy.metrics.append(rule)
                }
            case "max_increase": policy.maxIncrease = try value.double(in: 0...1e6)
            case "min_group_size": policy.minGroupSize = try value.int(in: 1...Int.max)
            default: policy.intersections = try value.bool()
            }
        }
        return policy
    }

    private static func plugins(_ field: YAMLField) throws(ConfigurationError) -> [ExternalPluginSpec] {
        var specs: [ExternalPluginSpec] = []
        for item in try field.sequence() {
            let members = try item.mapping(allowed: ["name", "command", "timeout", "config"])
            func member(_ key: String) -> YAMLField? { members.first { $0.name == key }?.field }
            guard let nameField = member("name"), let commandField = member("command") else {
                throw item.error("each plugin needs 'name' and 'command' (a list: program and arguments)")
            }
            let name = try nameField.string()
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }), !name.isEmpty else {
                throw nameField.error("plugin names use letters, digits, - and _")
            }
            let command = try commandField.strings()
            guard !command.isEmpty else { throw commandField.error("the command is empty") }
            var spec = ExternalPluginSpec(name: name, command: command)
            if let timeout = member("timeout") { spec.timeout = try timeout.double(in: 0.1...86_400) }
            if let config = member("config") { spec.config = json(config.node) }
            guard !specs.contains(where: { $0.name == name }) else { throw nameField.error("two plugins are named '\(name)'") }
            specs.append(spec)
        }
        return specs
    }

    /// A YAML node as JSON, scalars typed by YAML's core schema (a plugin's free-form settings).
    static func json(_ node: Node) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain {
                if node.null != nil { return .null }
                if let bool = node.bool { return .bool(bool) }
                if let int = node.int { return .number(Double(int)) }
                if let double = node.float { return .number(double) }
            }
            return .string(scalar.string)
        case .mapping(let mapping):
            return .object(mapping.map { (key, value) in (key.string ?? "", json(value)) })
        case .sequence(let sequence):
            return .array(sequence.map(json))
        case .alias:
            return .null
        }
    }

    // MARK: YAML errors

    private static func secondOccurrence(of key: String, in text: String, after line: Int) -> Int? {
        var seen = 0
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where index + 1 >= line {
            let trimmed = raw.drop { $0 == " " || $0 == "-" || $0 == "{" }
            if trimmed.hasPrefix("\(key):") || trimmed.contains(" \(key):") || trimmed.contains("{\(key):") {
                seen += 1
                if seen == 2 { return index + 1 }
            }
        }
        return nil
    }

    private static func line(of error: YamlError) -> Int {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        case .duplicatedKeysInMapping(_, let context): return context.mark.line
        default: return 0
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _), .composer(let context, let problem, _, _):
            return [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
        case .duplicatedKeysInMapping(let duplicates, _):
            return "key given twice: \(duplicates.joined(separator: ", "))"
        default:
            return "\(error)"
        }
    }
}
