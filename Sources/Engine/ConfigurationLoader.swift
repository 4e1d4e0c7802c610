import Foundation
import GateKit
import Yams

/// Reads `mlgate.yml` (SPEC §2) into a typed `Configuration`, rejecting what it does not know.
/// Each side's sections (data, features, schema, model) are read here; each plugin reads its own
/// part of `checks:`, so the loader knows no plugin by name.
public enum ConfigurationLoader {
    /// A loaded configuration with the source text of its `checks:` section, for showing a
    /// policy change as a diff.
    public struct Loaded: Sendable {
        public let configuration: Configuration
        /// `checks:` re-serialised canonically (comments and spacing do not count as changes).
        public let checksText: String
    }

    enum TopKey: String, CaseIterable {
        case version, task, target, positive, seed, data, features, schema, model, checks, plugins, spark
    }

    /// Parses `text`, naming it `file` in errors; `plugins` parse their sections of `checks:`.
    public static func load(_ text: String, file: String, plugins: [any Plugin]) throws(ConfigurationError) -> Loaded {
        let root = try compose(text, file: file)
        // One budget for every walk of this file: the ConfigNode tree, a plugin's free-form config.
        let budget = YAMLTree.Budget(file: file)
        let top = try YAMLTree.node(root, key: "", file: file, budget: budget)
        let members = try top.fields(TopKey.self)
        func member(_ key: TopKey) -> ConfigNode? { members.first { $0.key == key }?.node }

        guard let target = member(.target) else { throw top.error("missing required key 'target' (the label column)") }
        guard let data = member(.data) else { throw top.error("missing required key 'data' (with at least `train: PATH`)") }
        var config = Configuration(target: try target.string(), data: try dataPaths(data))
        var checksText = ""
        for (key, node) in members {
            switch key {
            case .target, .data: break   // read above: every configuration has them
            case .version:
                let version = try node.int()
                guard version <= Configuration.supportedVersion else {
                    throw node.error("version \(version) is newer than this mlgate understands (\(Configuration.supportedVersion)); upgrade mlgate")
                }
                guard version >= 1 else { throw node.error("version must be 1") }
                config.version = version
            case .task: config.task = try node.oneOf(TaskKind.self)
            case .positive: config.positive = node.isNull ? nil : try node.string()
            case .seed: config.seed = UInt64(try node.int(in: 0...Int.max))
            case .features: config.features = try features(node)
            case .schema: config.schema = node.isNull ? [] : try schema(node)
            case .model: config.model = try model(node)
            case .checks:
                if !node.isNull, let yaml = root.mapping?["checks"] { checksText = (try? Yams.serialize(node: yaml, sortKeys: false)) ?? "" }
            case .plugins: config.plugins = node.isNull ? [] : try externalPlugins(node, yaml: root.mapping?["plugins"], budget: budget)
            case .spark: config.spark = node.isNull ? SparkSettings() : try sparkSettings(node)
            }
        }
        // After `task:`, which a section's defaults may depend on.
        config.checks = try policy(member(.checks), task: config.task, plugins: plugins)
        return Loaded(configuration: config, checksText: checksText)
    }

    // MARK: Sections

    enum DataKey: String, CaseIterable { case train, holdout, predictions }

    private static func dataPaths(_ node: ConfigNode) throws(ConfigurationError) -> DataPaths {
        let members = try node.fields(DataKey.self)
        guard let train = members.first(where: { $0.key == .train }) else {
            throw node.error("missing required key 'train' (the training data file)")
        }
        var spark: [String: SparkSource] = [:]
        // A path in the repository, or `{spark: {...}}`: the source's description stands for its path.
        func entry(_ key: DataKey, _ value: ConfigNode) throws(ConfigurationError) -> String {
            guard case .mapping = value.value else { return try value.repositoryPath() }
            guard key != .predictions else { throw value.error("predictions must be a file in the repository (one prediction per holdout row)") }
            let source = try sparkSource(value)
            spark[key.rawValue] = source
            return source.description
        }
        var paths = DataPaths(train: try entry(.train, train.node))
        for (key, value) in members where !value.isNull {
            switch key {
            case .train: break   // read above
            case .holdout: paths.holdout = try entry(.holdout, value)
            case .predictions: paths.predictions = try entry(.predictions, value)
            }
        }
        if spark["holdout"] != nil, spark["train"] == nil {
            throw node.error("holdout is a Spark source but train is a file: name both in Spark, or both in the repository")
        }
        paths.spark = spark
        return paths
    }

    enum SparkEntryKey: String, CaseIterable { case spark }
    enum SparkSourceKey: String, CaseIterable {
        case table, parquet, version
        case predicate = "where"
    }

    /// The file format of a table name that is Spark's name for files (`parquet.`/lake/x``), when
    /// that format keeps no versions; nil for catalog tables and for `delta.`…``.
    static func unversionedFileFormat(_ name: String) -> String? {
        guard let dot = name.firstIndex(of: "."), name[name.index(after: dot)...].hasPrefix("`") else { return nil }
        let format = name[..<dot].lowercased()
        return ["parquet", "orc", "json", "csv", "text", "avro", "binaryfile"].contains(format) ? String(format) : nil
    }

    /// `{spark: {table: NAME | parquet: PATH, where: PREDICATE, version: V}}`.
    private static func sparkSource(_ node: ConfigNode) throws(ConfigurationError) -> SparkSource {
        guard let inner = try node.fields(SparkEntryKey.self).first?.node else {
            throw node.error("a data entry is a path, or `{spark: {table: NAME}}` / `{spark: {parquet: PATH}}`")
        }
        var location: SparkSource.Location?
        var predicate: String?, version: String?
        for (key, value) in try inner.fields(SparkSourceKey.self) {
            switch key {
            case .table, .parquet:
                guard location == nil else { throw value.error("name either `table` or `parquet`, not both") }
                let text = try value.string().trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty else { throw value.error("must not be empty") }
                location = key == .table ? .table(text) : .parquet(text)
            case .predicate: predicate = try value.string()
            case .version: version = try value.string()
            }
        }
        guard let location else { throw inner.error("a Spark source needs `table: NAME` or `parquet: PATH`") }
        if version != nil, case .parquet = location { throw inner.error("`version` is for tables whose format keeps versions (Delta, Iceberg); a Parquet path has none") }
        // Spark reads `parquet.`/path`` as a table but ignores a version asked of it (measured on
        // 4.0.1): refused here, where a catalog table without versions is refused by Spark itself.
        if version != nil, case .table(let name) = location, let format = Self.unversionedFileFormat(name) {
            throw inner.error("`version` is for tables whose format keeps versions (Delta, Iceberg); \(format) files named as a table have none, and Spark would read today's rows")
        }
        return SparkSource(location: location, predicate: predicate, version: version)
    }

    enum SparkKey: String, CaseIterable {
        case remote, timeout
        case exactRows = "exact_rows"
    }

    private static func sparkSettings(_ node: ConfigNode) throws(ConfigurationError) -> SparkSettings {
        var settings = SparkSettings()
        for (key, value) in try node.fields(SparkKey.self) {
            switch key {
            case .remote: settings.remote = try value.string()
            case .timeout: settings.timeoutSeconds = try value.int(in: 1...86_400)
            case .exactRows: settings.exactRows = try value.int(in: 0...Int.max)
            }
        }
        return settings
    }

    enum FeaturesKey: String, CaseIterable {
        case ignore, categorical, protected
        case useProtected = "use_protected"
    }

    private static func features(_ node: ConfigNode) throws(ConfigurationError) -> Features {
        var features = Features()
        for (key, value) in try node.fields(FeaturesKey.self) {
            switch key {
            case .ignore: features.ignore = try value.strings()
            case .categorical: features.categorical = try value.strings()
            case .protected: features.protected = try value.strings()
            case .useProtected: features.useProtected = try value.strings()
            }
        }
        return features
    }

    enum ExpectationKey: String, CaseIterable {
        case type, min, max, values
        case maxNullFraction = "max_null_fraction"
    }

    private static func schema(_ node: ConfigNode) throws(ConfigurationError) -> [ColumnExpectation] {
        var expectations: [ColumnExpectation] = []
        for (column, value) in try node.namedMapping() {
            var expectation = ColumnExpectation(column: column)
            for (key, item) in try value.fields(ExpectationKey.self) {
                switch key {
                case .type: expectation.type = try item.oneOf(SchemaType.self)
                case .min: expectation.min = try item.double()
                case .max: expectation.max = try item.double()
                case .maxNullFraction: expectation.maxNullFraction = try item.double(in: 0...1)
                case .values: expectation.values = try item.strings()
                }
            }
            if let min = expectation.min, let max = expectation.max, min > max {
                throw value.error("min \(min) is above max \(max)")
            }
            expectations.append(expectation)
        }
        return expectations
    }

    enum ModelKey: String, CaseIterable {
        case kind, params
        case sampleRows = "sample_rows"
    }

    enum ParamKey: String, CaseIterable {
        case trees, leaves, l2, subsample, colsample, alpha
        case learningRate = "learning_rate"
        case maxBins = "max_bins"
        case minSamplesLeaf = "min_samples_leaf"
        case c = "C"
    }

    private static func model(_ node: ConfigNode) throws(ConfigurationError) -> ModelSpec {
        var spec = ModelSpec()
        for (key, value) in try node.fields(ModelKey.self) {
            switch key {
            case .kind: spec.kind = try value.oneOf(ModelKind.self)
            case .sampleRows: spec.sampleRows = try value.int(in: 100...Int.max)
            case .params:
                for (param, item) in try value.fields(ParamKey.self) {
                    switch param {
                    case .trees: spec.trees = try item.int(in: 1...100_000)
                    case .leaves: spec.leaves = try item.int(in: 2...131_072)
                    case .learningRate: spec.learningRate = try item.double(in: 1e-6...1)
                    case .maxBins: spec.maxBins = try item.int(in: 2...255)
                    case .minSamplesLeaf: spec.minSamplesLeaf = try item.int(in: 1...Int.max)
                    case .l2: spec.l2 = try item.double(in: 0...1e12)
                    case .subsample: spec.subsample = try item.double(in: 1e-3...1)
                    case .colsample: spec.colsample = try item.double(in: 1e-3...1)
                    case .c: spec.c = try item.double(in: 1e-12...1e12)
                    case .alpha: spec.alpha = try item.double(in: 0...1e12)
                    }
                }
            }
        }
        return spec
    }

    /// `checks:`: `strict`, and one section per plugin, each parsed by its plugin. Every plugin
    /// gets a section (its defaults when not named), so two policies compare section by section.
    private static func policy(_ node: ConfigNode?, task: TaskKind, plugins: [any Plugin]) throws(ConfigurationError) -> Policy {
        var policy = Policy()
        var given: [String: ConfigNode] = [:]
        if let node, !node.isNull {
            let allowed = plugins.map(\.name) + ["strict"]
            for (name, value) in try node.namedMapping() {
                guard allowed.contains(name) else {
                    let hint = ConfigNode.closest(to: name, in: allowed).map { "did you mean '\($0)'? " } ?? ""
                    throw ConfigNode(value: .scalar(name, plain: true), line: value.line, key: value.key, file: value.file)
                        .error("unknown key; \(hint)allowed here: \(allowed.joined(separator: ", "))")
                }
                if name == "strict" { policy.strict = try value.bool() } else { given[name] = value }
            }
        }
        for plugin in plugins {
            let section = given[plugin.name].flatMap { $0.isNull ? nil : $0 }
            policy.setSection(try plugin.parseSettings(section, task: task), for: plugin.name)
        }
        return policy
    }

    enum PluginKey: String, CaseIterable { case name, command, timeout, config }

    private static func externalPlugins(_ node: ConfigNode, yaml: Node?, budget: YAMLTree.Budget) throws(ConfigurationError) -> [ExternalPluginSpec] {
        var specs: [ExternalPluginSpec] = []
        for (index, item) in try node.sequence().enumerated() {
            let members = try item.fields(PluginKey.self)
            guard let nameNode = members.first(where: { $0.key == .name })?.node,
                  let commandNode = members.first(where: { $0.key == .command })?.node else {
                throw item.error("each plugin needs 'name' and 'command' (a list: program and arguments)")
            }
            let name = try nameNode.string()
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }), !name.isEmpty else {
                throw nameNode.error("plugin names use letters, digits, - and _")
            }
            let command = try commandNode.strings()
            guard !command.isEmpty else { throw commandNode.error("the command is empty") }
            var spec = ExternalPluginSpec(name: name, command: command)
            for (key, value) in members {
                switch key {
                case .name, .command: break   // read above
                case .timeout: spec.timeout = try value.double(in: 0.1...86_400)
                case .config: spec.config = try yaml?.sequence?[index].mapping?["config"].map { yaml throws(ConfigurationError) in try YAMLTree.json(yaml, budget: budget) } ?? .null
                }
            }
            guard !specs.contains(where: { $0.name == name }) else { throw nameNode.error("two plugins are named '\(name)'") }
            specs.append(spec)
        }
        return specs
    }

    // MARK: YAML

    private static func compose(_ text: String, file: String) throws(ConfigurationError) -> Node {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ConfigurationError(file: file, line: 0, key: "", problem: "the file is empty; run `mlgate init` to write one")
            }
            return node
        } catch let error as ConfigurationError {
            throw error
        } catch let error as YamlError {
            if case .duplicatedKeysInMapping(let duplicates, let context) = error, let key = duplicates.first {
                // Yams marks the mapping; point at the key's second occurrence instead.
                let line = secondOccurrence(of: key, in: text, after: context.mark.line) ?? context.mark.line
                throw ConfigurationError(file: file, line: line, key: key, problem: "key given twice")
            }
            throw ConfigurationError(file: file, line: line(of: error), key: "", problem: "not valid YAML: \(problem(of: error))")
        } catch {
            throw ConfigurationError(file: file, line: 0, key: "", problem: "not valid YAML: \(error)")
        }
    }

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
