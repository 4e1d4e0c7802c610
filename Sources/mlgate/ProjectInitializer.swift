import Foundation
import GateKit
import Engine
import PluginRegistry
import GitRepository
import DataValidation
import ModelEvaluation

/// `mlgate init`: writes an `mlgate.yml` inferred from the data at HEAD, on which
/// `mlgate check` passes for that same data.
public struct ProjectInitializer {
    public struct Options: Sendable {
        public var repository: String
        /// Train first, then an optional holdout; empty: found by name in HEAD's tree.
        public var data: [String] = []
        public var target: String?
        public var task: TaskKind?
        public var force = false
        public var configPath = "mlgate.yml"

        public init(repository: String) { self.repository = repository }
    }

    /// What was written, for the command to report.
    public struct Outcome: Sendable {
        public let path: String
        public let text: String
        public let notes: [String]
    }

    /// Words in column names that usually name people's protected characteristics.
    static let protectedWords: Set<String> = ["sex", "gender", "race", "ethnicity", "ethnic", "religion", "nationality", "disability",
                                              "marital", "age", "citizenship", "pregnancy", "orientation", "native"]

    /// A column named like an attribute of a person (`sex`, `Marital-Status`, `age_group`).
    static func namedLikePeople(_ name: String) -> Bool {
        let words = name.lowercased().split { !$0.isLetter }.map(String.init)
        return words.contains { protectedWords.contains($0) }
    }

    static let targetNames = ["target", "label", "y", "class", "outcome"]

    public init() {}

    public func run(_ options: Options) throws(GateError) -> Outcome {
        let repository: Repository
        let head: ObjectID
        let files: [String]
        do {
            repository = try Repository.discover(from: options.repository)
            head = try repository.resolve("HEAD")
            files = try repository.listFiles(at: head)
        } catch {
            throw .git(error)
        }
        guard let root = repository.workingDirectory else { throw .usage("the repository is bare; run mlgate init in a checkout") }
        let destination = root + options.configPath
        if FileManager.default.fileExists(atPath: destination), !options.force {
            throw .usage("\(options.configPath) already exists; pass --force to overwrite it")
        }

        var notes: [String] = []
        let (trainPath, holdoutPath) = try dataPaths(options.data, files: files)
        let train = try table(trainPath, repository: repository, head: head)
        var holdout: Table?
        if let holdoutPath { holdout = try table(holdoutPath, repository: repository, head: head) }

        let target: String
        if let given = options.target { target = given } else { target = try guessTarget(train, notes: &notes) }
        guard let label = train.column(target) else {
            throw .usage("--target \(target): \(trainPath) has no such column; its columns are \(train.columnNames.joined(separator: ", "))")
        }
        let labelProfile = CategoricalProfile(column: label)
        let task = options.task ?? inferTask(label, profile: labelProfile)
        let positive = task == .binary ? positiveLabel(labelProfile) : nil
        let columns = ColumnRoles(train: train, target: target, task: task, holdout: holdout)
        let suggested = train.columnNames.filter { $0 != target && Self.namedLikePeople($0) }
        for (name, reason) in columns.ignore { notes.append("ignoring '\(name)': \(reason)") }
        if !columns.datetime.isEmpty { notes.append("typed \(columns.datetime.joined(separator: ", ")) as datetime (checked, not a model input)") }
        if !suggested.isEmpty { notes.append("suggested \(suggested.joined(separator: ", ")) as protected attributes in a comment; list them under features.protected to judge fairness by them") }

        let text = render(trainPath: trainPath, holdoutPath: holdoutPath, train: train, holdout: holdout, target: target, task: task,
                          positive: positive, roles: columns, suggestedProtected: suggested)
        // What we write must load: a round trip through the loader guards the renderer.
        do { _ = try ConfigurationLoader.load(text, file: options.configPath, plugins: PluginRegistry.all) } catch { throw .configuration(error) }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: destination))
        } catch {
            throw .usage("cannot write \(destination): \(error.localizedDescription)")
        }
        notes.insert("target '\(target)', task \(task.rawValue)\(positive.map { ", positive class '\($0)'" } ?? "")", at: 0)
        return Outcome(path: destination, text: text, notes: notes)
    }

    // MARK: Inference

    private func dataPaths(_ given: [String], files: [String]) throws(GateError) -> (String, String?) {
        if let first = given.first {
            guard given.count <= 2 else { throw .usage("--data takes a training file and optionally a holdout file, not \(given.count) files") }
            return (normalised(first), given.count > 1 ? normalised(given[1]) : nil)
        }
        let tabular = files.filter { TableReader.format(of: $0) != nil }
        let trains = tabular.filter { ($0 as NSString).lastPathComponent.lowercased().contains("train") }
        let holdouts = tabular.filter { name in ["holdout", "test", "valid", "eval"].contains { (name as NSString).lastPathComponent.lowercased().contains($0) } }
        if trains.count == 1 { return (trains[0], holdouts.count == 1 ? holdouts[0] : nil) }
        if tabular.count == 1 { return (tabular[0], nil) }
        let listed = tabular.prefix(10).joined(separator: ", ")
        throw .usage(tabular.isEmpty
            ? "no .csv, .tsv, .jsonl or .parquet file is committed at HEAD; commit your data, or pass --data PATH"
            : "cannot tell which file is the training data (\(listed)); pass --data TRAIN [--data HOLDOUT]")
    }

    private func normalised(_ path: String) -> String {
        path.hasPrefix("./") ? String(path.dropFirst(2)) : path
    }

    private func table(_ path: String, repository: Repository, head: ObjectID) throws(GateError) -> Table {
        let bytes: [UInt8]?
        do { bytes = try repository.readFile(path, at: head) } catch { throw .git(error) }
        guard let bytes else { throw .usage("\(path) is not committed at HEAD; commit it first (mlgate reads data from git)") }
        do { return try TableReader.read(bytes, path: path) } catch { throw .data(error) }
    }

    private func guessTarget(_ table: Table, notes: inout [String]) throws(GateError) -> String {
        if let named = table.columnNames.first(where: { Self.targetNames.contains($0.lowercased()) }) { return named }
        guard let last = table.columnNames.last else { throw .usage("the training data has no columns") }
        notes.append("guessed the last column '\(last)' as the target; pass --target COLUMN if it is not")
        return last
    }

    private func inferTask(_ label: Column, profile: CategoricalProfile) -> TaskKind {
        if profile.distinct <= 2 { return .binary }
        if label.kind != .numeric { return .multiclass }
        let integral = label.numericValues?.allSatisfy { $0.isNaN || $0 == $0.rounded() } ?? false
        return integral && profile.distinct <= 20 ? .multiclass : .regression
    }

    private func positiveLabel(_ profile: CategoricalProfile) -> String? {
        let levels = profile.counts.map(\.level)
        for favourite in ["1", "true", "yes", "True", "Yes", "YES", "TRUE"] where levels.contains(favourite) { return favourite }
        return levels.sorted().last
    }

    // MARK: Rendering

    private func render(trainPath: String, holdoutPath: String?, train: Table, holdout: Table?, target: String, task: TaskKind,
                        positive: String?, roles: ColumnRoles, suggestedProtected: [String]) -> String {
        var y = """
        # mlgate configuration, written by `mlgate init` from the data at HEAD.
        # Reference: the project's SPEC; every key below can be changed by hand.
        version: 1
        task: \(task.rawValue)
        target: \(Self.scalar(target))

        """
        if let positive { y += "positive: \(Self.quoted(positive))        # the favourable outcome\n" }
        y += "seed: 42\ndata:\n  train: \(Self.scalar(trainPath))\n"
        y += holdoutPath.map { "  holdout: \(Self.scalar($0))\n" } ?? "  # holdout: PATH     # without it, a seeded 20% of train is held out, chosen by row content\n"
        y += "features:\n"
        if roles.ignore.isEmpty {
            y += "  ignore: []                # columns that are never model inputs (ids, row numbers)\n"
        } else {
            y += "  ignore:                   # never model inputs\n"
            let width = roles.ignore.map { Self.scalar($0.column).count }.max() ?? 0
            for (name, reason) in roles.ignore {
                let item = Self.scalar(name)
                y += "    - \(item)\(String(repeating: " ", count: width - item.count))  # \(reason)\n"
            }
        }
        y += "  categorical: []           # columns to treat as categories even when they look numeric\n"
        y += "  protected: []             # attributes fairness is judged by (kept out of training)"
        y += suggestedProtected.isEmpty ? "\n" : "; named like attributes of people here: \(Self.list(suggestedProtected))\n"
        y += "schema:                     # observed ranges with a margin, allowed categories, null limits\n"
        let ignored = Set(roles.ignore.map(\.column))
        for column in train.columns where !ignored.contains(column.name) {
            let parts = roles.datetime.contains(column.name)
                ? ["type: datetime", nullLimit(column, holdout: holdout?.column(column.name))]
                : expectation(column, holdout: holdout?.column(column.name), isTarget: column.name == target)
            y += "  \(Self.scalar(column.name)): {" + parts.joined(separator: ", ") + "}"
            y += roles.datetime.contains(column.name) ? "   # a date or timestamp: checked, not a model input\n" : "\n"
        }
        let evaluation = ModelEvaluationPlugin.defaults(task)
        y += """
        model:
          kind: gbdt                # gbdt | logistic | linear
          params: {trees: 100, leaves: 31, learning_rate: 0.1, max_bins: 255}
        checks:                     # the policy: read from the baseline, so PRs cannot loosen it unnoticed
          data-validation:
            drift: {statistic: psi, warn: 0.1, fail: 0.25, min_rows: 100}
            max_null_increase: 0.05
            max_row_change: 0.5
          model-evaluation:         # the candidate model against the baseline's, on head's holdout
            metrics: \(Self.list(evaluation.metrics))
            primary: \(evaluation.primary)
            max_drop: {\(evaluation.primary): 0.01}   # a larger drop fails when the bootstrap interval of the change excludes zero
            min: {}                 # floors the candidate must reach on its own, e.g. {\(evaluation.primary): 0.7}
            bootstrap: 1000         # paired bootstrap resamples for that interval

        """
        return y
    }

    /// A column's schema entry; the target gets no range, since labels are not features.
    private func expectation(_ column: Column, holdout: Column?, isTarget: Bool) -> [String] {
        var parts = ["type: \(column.kind.rawValue)"]
        switch column.storage {
        case .numeric(let values) where column.kind == .numeric && !isTarget:
            let both = values + (holdout?.numericValues ?? [])
            let finite = both.filter { $0.isFinite }
            if let low = finite.min(), let high = finite.max() {
                let margin = Swift.max((high - low) * 0.1, abs(high) * 1e-9)
                let decimals = Self.decimals(of: finite)
                let lower = low >= 0 && low - margin < 0 ? "0" : Self.bound(low - margin, up: false, decimals: decimals)
                parts += ["min: \(lower)", "max: \(Self.bound(high + margin, up: true, decimals: decimals))"]
            }
        case .categorical(_, let levels):
            let all = Set(levels + (holdout?.categorical?.levels ?? []))
            if all.count <= 50 && all.count * 5 <= column.count {
                parts.append("values: [" + all.sorted().map(Self.scalar).joined(separator: ", ") + "]")
            }
        default:
            break
        }
        parts.append(nullLimit(column, holdout: holdout))
        return parts
    }

    /// `max_null_fraction` with a margin of five points over what either file shows.
    private func nullLimit(_ column: Column, holdout: Column?) -> String {
        let nullShare = [column, holdout].compactMap { $0 }.map { Double($0.nullCount) / Double(max(1, $0.count)) }.max() ?? 0
        return "max_null_fraction: \(NumberFormatting.shortest(Swift.min(1, ((nullShare + 0.05) * 100).rounded(.up) / 100)))"
    }

    /// Decimal places the data is written with (at most 6), from up to 1,000 of its values.
    static func decimals(of values: [Double]) -> Int {
        var most = 0
        for v in values.prefix(1000) {
            var d = 0, scaled = v
            while d < 6, abs(scaled - scaled.rounded()) > 1e-9 * Swift.max(1, abs(scaled)) { d += 1; scaled = v * pow(10, Double(d)) }
            most = Swift.max(most, d)
        }
        return most
    }

    /// A bound rounded away from the data to three significant digits, and to no more decimal
    /// places than the data has, written exactly (`6.6`, never `6.6000000000000005`).
    static func bound(_ value: Double, up: Bool, decimals: Int) -> String {
        guard value != 0, value.isFinite else { return NumberFormatting.shortest(value) }
        let exponent = Int((log10(abs(value))).rounded(.down)) - 2
        let places = exponent >= 0 ? 0 : Swift.min(-exponent, decimals)
        let unit = exponent >= 0 ? pow(10, Double(exponent)) : 1
        let scaled = exponent >= 0 ? value / unit : value * pow(10, Double(places))
        let units = Int64(up ? scaled.rounded(.up) : scaled.rounded(.down))
        if exponent >= 0 { return String(units) + String(repeating: "0", count: exponent) }
        guard places > 0 else { return String(units) }
        let digits = String(abs(units)), padded = String(repeating: "0", count: Swift.max(0, places + 1 - digits.count)) + digits
        let text = padded.dropLast(places) + "." + padded.suffix(places)
        var trimmed = String(text)
        while trimmed.hasSuffix("0") { trimmed.removeLast() }
        if trimmed.hasSuffix(".") { trimmed.removeLast() }
        return (units < 0 ? "-" : "") + trimmed
    }

    static func list(_ names: [String]) -> String { "[" + names.map(scalar).joined(separator: ", ") + "]" }

    /// A YAML scalar: plain when unambiguous, else double-quoted (JSON escaping is valid YAML).
    static func scalar(_ text: String) -> String {
        let plain = text.first.map { $0.isLetter || $0 == "_" } ?? false
            && text.allSatisfy { $0.isLetter || $0.isNumber || "_-./".contains($0) }
            && !["yes", "no", "true", "false", "null", "on", "off", "y", "n"].contains(text.lowercased())
        return plain ? text : quoted(text)
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
