import FixtureRepos
import Foundation
import Testing

/// The Spark Connect servers the tests run against: the ones `scripts/test.sh` started
/// (`MLGATE_TEST_SPARK_LOCAL`, `MLGATE_TEST_SPARK_CLUSTER`), else started here from the pinned
/// pyspark with `scripts/spark-cluster.sh` and stopped when the test process exits.
enum SparkServers {
    enum Mode: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// One JVM running Spark in `local[2]`.
        case local
        /// A standalone master with two workers, the server a driver on them.
        case cluster
        var testDescription: String { rawValue }
    }

    static let javaPresent: Bool = {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/java")
        }
    }()

    private static let lock = NSLock()
    nonisolated(unsafe) private static var started: [Mode: String] = [:]
    nonisolated(unsafe) private static var directories: [String] = []

    static func remote(_ mode: Mode) throws -> String {
        if let given = ProcessInfo.processInfo.environment["MLGATE_TEST_SPARK_\(mode.rawValue.uppercased())"], !given.isEmpty { return given }
        return try lock.withLock {
            if let remote = started[mode] { return remote }
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mlgate-spark-\(mode.rawValue)-\(getpid())").path
            if directories.isEmpty { atexit { SparkServers.stopAll() } }
            directories.append(directory)
            // system(3), not Process: the script's servers outlive it in their own sessions,
            // and Foundation's wait for it has been seen to miss its exit.
            let status = system("'\(script)' start \(mode.rawValue) '\(directory)' > '\(directory).remote'")
            let remote = ((try? String(contentsOfFile: directory + ".remote", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            try #require(status == 0 && remote.hasPrefix("sc://"), "spark-cluster.sh start \(mode.rawValue) failed (\(status)); see \(directory)")
            started[mode] = remote
            return remote
        }
    }

    static let script = Scenario.fixturesDirectory.deletingLastPathComponent().appendingPathComponent("scripts/spark-cluster.sh").path

    static func stopAll() {
        for directory in directories { _ = system("'\(script)' stop '\(directory)'") }
    }
}

/// Data validation through Spark (#17): the same data as Parquet files committed to git, and as
/// a lake's snapshots Spark reads, give the same checks and numbers.
@Suite(.serialized, .enabled(if: SparkServers.javaPresent, "Java is not installed: the Spark tests need it (apt-get install -y openjdk-17-jre-headless)"))
struct SparkTests {
    static let scenarios = ["drift", "preexisting-nulls", "schema-break", "data-broken", "region-constant", "score-constant"]

    /// clean's configuration with its data entries replaced.
    static func configuration(train: String, holdout: String, extra: String = "") throws -> String {
        let text = try String(contentsOf: Scenario.fixturesDirectory.appendingPathComponent("clean/base/mlgate.yml"), encoding: .utf8)
        return text.replacingOccurrences(of: "  train: data/train.csv", with: "  train: \(train)")
            .replacingOccurrences(of: "  holdout: data/holdout.csv", with: "  holdout: \(holdout)") + extra
    }

    static func lake(_ scenario: String, _ side: String, _ name: String) -> String {
        Scenario.fixturesDirectory.appendingPathComponent("spark/\(scenario)/\(side)/\(name).parquet").path
    }

    /// A repository whose main holds `base` and whose checked-out `feature` branch holds `head`.
    static func repository(at path: String, base: [String: [UInt8]], head: [String: [UInt8]]) throws {
        let writer = try RepoWriter(initializingAt: path)
        let baseCommit = try writer.commit(base, message: "base", parents: [], branch: "main")
        var files = base
        for (name, bytes) in head { files[name] = bytes }
        _ = try writer.commit(files, message: "pull request", parents: [baseCommit], branch: "feature")
        try writer.checkout(branch: "feature")
    }

    static func sparkEntry(_ path: String) -> String { "{spark: {parquet: \"\(path)\"}}" }

    /// A repository naming the scenario's lake snapshots as Spark sources.
    static func sparkRepository(_ scenario: String, at path: String, baseExtra: String = "", headExtra: String = "") throws {
        let base = try configuration(train: sparkEntry(lake(scenario, "base", "train")), holdout: sparkEntry(lake(scenario, "base", "holdout")), extra: baseExtra)
        let head = try configuration(train: sparkEntry(lake(scenario, "head", "train")), holdout: sparkEntry(lake(scenario, "head", "holdout")), extra: headExtra)
        try repository(at: path, base: ["mlgate.yml": Array(base.utf8)], head: ["mlgate.yml": Array(head.utf8)])
    }

    struct Verdict: Equatable, CustomStringConvertible {
        let id: String
        let status: String
        let numbers: [String: Double]
        let message: String
        var description: String { "\(id) \(status) \(numbers.sorted { $0.key < $1.key })" }
    }

    /// Every check's id, status, value and the statistics its details hold.
    static func verdicts(_ path: String) throws -> [Verdict] {
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        return (report["plugins"] as! [[String: Any]]).flatMap { plugin in
            (plugin["checks"] as! [[String: Any]]).map { check in
                var numbers: [String: Double] = [:]
                for key in ["value", "baseline"] { if let n = check[key] as? Double { numbers[key] = n } }
                let details = check["details"] as? [String: Any] ?? [:]
                for key in ["psi", "ks_statistic", "chi2_statistic", "baseline_count", "head_count", "baseline_mean", "head_mean", "duplicates", "leaked"] {
                    if let n = details[key] as? Double { numbers[key] = n }
                }
                return Verdict(id: check["id"] as! String, status: check["status"] as! String, numbers: numbers,
                               message: check["message"] as? String ?? "")
            }
        }.sorted { $0.id < $1.id }
    }

    static func agree(_ a: Double, _ b: Double) -> Bool {
        a == b || abs(a - b) <= 1e-9 * max(1, abs(a), abs(b)) || (a.isNaN && b.isNaN)
    }

    @Test(arguments: SparkServers.Mode.allCases, SparkTests.scenarios)
    func dataValidationThroughSparkGivesTheLocalVerdictsAndNumbers(_ mode: SparkServers.Mode, _ scenario: String) throws {
        let remote = try SparkServers.remote(mode)
        let temp = try TemporaryDirectory("spark")
        func bytes(_ side: String, _ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.lake(scenario, side, name)))) }
        let local = try Self.configuration(train: "data/train.parquet", holdout: "data/holdout.parquet")
        try Self.repository(at: temp.child("local"),
                            base: ["mlgate.yml": Array(local.utf8), "data/train.parquet": try bytes("base", "train"), "data/holdout.parquet": try bytes("base", "holdout")],
                            head: ["data/train.parquet": try bytes("head", "train"), "data/holdout.parquet": try bytes("head", "holdout")])
        try Self.sparkRepository(scenario, at: temp.child("spark"))
        let a = try MLGateBinary.run(["check", "--base", "main", "--only", "data-validation", "--json", temp.child("a.json")], in: temp.child("local"))
        let b = try MLGateBinary.run(["check", "--base", "main", "--only", "data-validation", "-v", "--json", temp.child("b.json")], in: temp.child("spark"),
                                     environment: ["MLGATE_SPARK_REMOTE": remote])
        #expect(a.status == b.status && b.status != 2, "local \(a.status), spark \(b.status): \(b.stderr)")
        #expect(b.stderr.contains("in Spark 4.0.1 at \(remote)"), "\(b.stderr)")
        let localVerdicts = try Self.verdicts(temp.child("a.json")), sparkVerdicts = try Self.verdicts(temp.child("b.json"))
        #expect(localVerdicts.map { "\($0.id) \($0.status)" } == sparkVerdicts.map { "\($0.id) \($0.status)" })
        for (x, y) in zip(localVerdicts, sparkVerdicts) where x.id == y.id {
            for (key, value) in x.numbers {
                let other = y.numbers[key]
                let agrees = other.map { Self.agree(value, $0) } ?? false
                #expect(agrees, "\(x.id) \(key): local \(value), Spark \(String(describing: other))")
            }
        }
        // What each scenario is about is found at all.
        let failed = Set(sparkVerdicts.filter { $0.status == "fail" }.map(\.id))
        switch scenario {
        case "drift": #expect(failed.contains("data-validation/drift/income"))
        case "schema-break": #expect(failed.contains("data-validation/schema"))
        case "data-broken": #expect(failed.isSuperset(of: ["data-validation/leakage", "data-validation/nulls/age", "data-validation/range/age"]), "\(failed)")
        case "region-constant", "score-constant":
            // The baseline's distinct values, which the warning reports, counted in Spark.
            let column = scenario == "region-constant" ? "region" : "credit_score"
            let warning = sparkVerdicts.first { $0.id == "data-validation/constant/\(column)" }
            #expect(warning?.status == "warn" && (warning?.numbers["baseline"] ?? 0) > 1, "\(sparkVerdicts.map(\.id))")
            #expect(warning?.message == localVerdicts.first { $0.id == warning?.id }?.message)
        default: #expect(sparkVerdicts.contains { $0.id == "data-validation/nulls/age" && $0.status == "warn" })
        }
    }

    /// Past `spark.exact_rows`, percentiles and KS are Spark's approximations: the verdicts
    /// hold, and KS D is within the error the report states.
    @Test(arguments: SparkServers.Mode.allCases)
    func approximateStatisticsStayWithinTheirStatedError(_ mode: SparkServers.Mode) throws {
        let remote = try SparkServers.remote(mode)
        let temp = try TemporaryDirectory("spark")
        try Self.sparkRepository("drift", at: temp.child("exact"))
        try Self.sparkRepository("drift", at: temp.child("approximate"), baseExtra: "spark:\n  exact_rows: 100\n")
        for name in ["exact", "approximate"] {
            let run = try MLGateBinary.run(["check", "--base", "main", "--only", "data-validation", "--json", temp.child("\(name).json")],
                                           in: temp.child(name), environment: ["MLGATE_SPARK_REMOTE": remote])
            #expect(run.status == 1, "\(run.stderr)")
        }
        let exact = try Self.verdicts(temp.child("exact.json")), approximate = try Self.verdicts(temp.child("approximate.json"))
        #expect(exact.map { "\($0.id) \($0.status)" } == approximate.map { "\($0.id) \($0.status)" })
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: temp.child("approximate.json")))) as! [String: Any]
        let checks = (report["plugins"] as! [[String: Any]]).flatMap { $0["checks"] as! [[String: Any]] }
        var compared = 0
        for check in checks where (check["id"] as! String).hasPrefix("data-validation/drift/") {
            guard let details = check["details"] as? [String: Any], let d = details["ks_statistic"] as? Double else { continue }
            let error = try #require(details["rank_error"] as? Double, "\(check["id"]!) states no error")
            let truth = try #require(exact.first { $0.id == check["id"] as! String }?.numbers["ks_statistic"])
            #expect(error > 0 && error < 0.01 && abs(d - truth) <= error, "\(check["id"]!): D \(d), exact \(truth), stated error \(error)")
            compared += 1
        }
        #expect(compared == 3)
    }

    @Test func modelsTrainOnASeededSampleDrawnInSpark() throws {
        let remote = try SparkServers.remote(.local)
        let temp = try TemporaryDirectory("spark")
        try Self.sparkRepository("drift", at: temp.child("repo"), baseExtra: "", headExtra: "")
        var reports: [String] = []
        for run in 0..<2 {
            let path = temp.child("\(run).json")
            let result = try MLGateBinary.run(["check", "--base", "main", "--only", "model-evaluation", "--json", path], in: temp.child("repo"),
                                              environment: ["MLGATE_SPARK_REMOTE": remote])
            #expect(result.status != 2, "\(result.stderr)")
            reports.append(try String(contentsOfFile: path, encoding: .utf8))
        }
        #expect(reports[0].contains("models train on a seeded sample of 600 of its 600 rows"), "\(reports[0].prefix(2000))")
        // Seeded: the same rows in the same order, so the same models and numbers.
        func stripped(_ text: String) -> String { text.replacingOccurrences(of: #""duration_seconds"\s*:\s*[0-9.e-]+"#, with: "", options: .regularExpression) }
        #expect(stripped(reports[0]) == stripped(reports[1]))
    }

    @Test func aServerNobodyRunsIsExit2SayingWhereAndWhatToDo() throws {
        let temp = try TemporaryDirectory("spark")
        try Self.sparkRepository("drift", at: temp.child("repo"))
        let run = try MLGateBinary.run(["check", "--base", "main", "--only", "data-validation"], in: temp.child("repo"),
                                       environment: ["MLGATE_SPARK_REMOTE": "sc://127.0.0.1:9"])
        #expect(run.status == 2 && run.stderr.contains("cannot reach the Spark Connect server at sc://127.0.0.1:9"), "\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").filter { $0.hasPrefix("mlgate: error:") }.count == 1, "one line: \(run.stderr)")
    }

    /// A server that accepts the connection and never answers: the deadline ends the wait.
    @Test func aServerThatNeverAnswersTimesOutInsteadOfHanging() throws {
        let temp = try TemporaryDirectory("spark")
        // It exits on its own after 30 s whatever happens to this test, and holds none of the
        // test process's pipes (which would keep `swift test` waiting for their end).
        let silent = Process()
        silent.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        silent.arguments = ["python3", "-c", """
            import socket, time
            s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8); s.settimeout(30)
            print(s.getsockname()[1], flush=True)
            held, end = [], time.time() + 30
            while time.time() < end:
                try: held.append(s.accept())
                except OSError: break
            """]
        let out = Pipe()
        silent.standardOutput = out
        silent.standardError = FileHandle.nullDevice
        silent.standardInput = FileHandle.nullDevice
        try silent.run()
        defer { kill(silent.processIdentifier, SIGKILL); silent.waitUntilExit() }
        var port = ""
        while !port.hasSuffix("\n") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            port += String(decoding: chunk, as: UTF8.self)
        }
        try Self.sparkRepository("drift", at: temp.child("repo"), baseExtra: "spark:\n  timeout: 3\n")
        let clock = ContinuousClock.now
        let run = try MLGateBinary.run(["check", "--base", "main", "--only", "data-validation"], in: temp.child("repo"),
                                       environment: ["MLGATE_SPARK_REMOTE": "sc://127.0.0.1:\(port.trimmingCharacters(in: .whitespacesAndNewlines))"])
        #expect(run.status == 2 && (run.stderr.contains("did not finish") || run.stderr.contains("cannot reach")), "\(run.stderr)")
        #expect(ContinuousClock.now - clock < .seconds(30))
    }

    @Test func aMissingTableIsExit2NamingIt() throws {
        let remote = try SparkServers.remote(.local)
        let temp = try TemporaryDirectory("spark")
        let config = try Self.configuration(train: "{spark: {table: lake.no_such_table}}", holdout: "null")
        try Self.repository(at: temp.child("repo"), base: ["mlgate.yml": Array(config.utf8)], head: ["README": Array("x".utf8)])
        let run = try MLGateBinary.run(["check", "--base", "main", "--only", "data-validation"], in: temp.child("repo"),
                                       environment: ["MLGATE_SPARK_REMOTE": remote])
        #expect(run.status == 2 && run.stderr.contains("no_such_table") && run.stderr.contains("TABLE_OR_VIEW_NOT_FOUND"), "\(run.stderr)")
    }

    /// A `table:` source read through Spark's own identifier for Parquet files gives the verdicts
    /// the path does; asking it for a version (time travel, which only table formats such as
    /// Delta and Iceberg keep, and which Spark silently ignores on files) is exit 2 with one line.
    @Test func aTableNamingFilesReadsAsThePathDoesAndRefusesAVersion() throws {
        let remote = try SparkServers.remote(.local)
        let temp = try TemporaryDirectory("spark")
        func entry(_ side: String, _ name: String, version: String? = nil) -> String {
            let table = "parquet.`" + Self.lake("drift", side, name) + "`"
            return "{spark: {table: '\(table)'" + (version.map { ", version: '\($0)'" } ?? "") + "}}"
        }
        func repository(_ name: String, version: String?) throws {
            let base = try Self.configuration(train: entry("base", "train"), holdout: entry("base", "holdout"))
            let head = try Self.configuration(train: entry("head", "train", version: version), holdout: entry("head", "holdout"))
            try Self.repository(at: temp.child(name), base: ["mlgate.yml": Array(base.utf8)], head: ["mlgate.yml": Array(head.utf8)])
        }
        try repository("table", version: nil)
        try Self.sparkRepository("drift", at: temp.child("path"))
        var verdicts: [[String]] = []
        for name in ["table", "path"] {
            let run = try MLGateBinary.run(["check", "--base", "main", "--only", "data-validation", "--json", temp.child("\(name).json")],
                                           in: temp.child(name), environment: ["MLGATE_SPARK_REMOTE": remote])
            #expect(run.status == 1, "\(name): \(run.stderr)")
            verdicts.append(try Self.verdicts(temp.child("\(name).json")).map { "\($0.id) \($0.status)" })
        }
        #expect(verdicts[0] == verdicts[1])
        try repository("versioned", version: "3")
        let run = try MLGateBinary.run(["check", "--base", "main", "--only", "data-validation"], in: temp.child("versioned"),
                                       environment: ["MLGATE_SPARK_REMOTE": remote])
        let errors = run.stderr.split(separator: "\n").filter { $0.hasPrefix("mlgate: error:") }
        #expect(run.status == 2 && errors.count == 1 && errors[0].contains("parquet files named as a table have none"), "\(run.stderr)")
    }

    /// Time travel on a catalog whose tables keep versions (`scripts/versioned-catalog`, standing
    /// in for Delta and Iceberg, whose jars cannot be downloaded here; Spark asks it for a version
    /// through the same `loadTable(ident, version)` it asks theirs): main reads version 1 of each
    /// table and the PR version 2, and the checks and numbers are those of the same snapshots read
    /// as paths; no version is the latest; a version the table lacks is exit 2 with one line.
    @Test(arguments: SparkServers.Mode.allCases)
    func aTableThatKeepsVersionsIsReadAsOfTheVersionEachSideNames(_ mode: SparkServers.Mode) throws {
        let remote = try SparkServers.remote(mode)
        let temp = try TemporaryDirectory("spark")
        let lake = temp.child("lake")
        for (version, side) in [(1, "base"), (2, "head")] {
            for name in ["train", "holdout"] {
                let directory = "\(lake)/\(name)/\(version)"
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: Self.lake("drift", side, name), toPath: "\(directory)/part-00000.parquet")
            }
        }
        func entry(_ name: String, _ version: String?) -> String {
            "{spark: {table: 'versioned.`\(lake)`.\(name)'" + (version.map { ", version: '\($0)'" } ?? "") + "}}"
        }
        func check(_ name: String, base: String?, head: String?) throws -> MLGateBinary.Run {
            let baseConfig = try Self.configuration(train: entry("train", base), holdout: entry("holdout", base))
            let headConfig = try Self.configuration(train: entry("train", head), holdout: entry("holdout", head))
            try Self.repository(at: temp.child(name), base: ["mlgate.yml": Array(baseConfig.utf8)], head: ["mlgate.yml": Array(headConfig.utf8)])
            return try MLGateBinary.run(["check", "--base", "main", "--only", "data-validation", "--json", temp.child("\(name).json")],
                                        in: temp.child(name), environment: ["MLGATE_SPARK_REMOTE": remote])
        }
        try Self.sparkRepository("drift", at: temp.child("paths"))
        let paths = try MLGateBinary.run(["check", "--base", "main", "--only", "data-validation", "--json", temp.child("paths.json")],
                                         in: temp.child("paths"), environment: ["MLGATE_SPARK_REMOTE": remote])
        let versions = try check("versions", base: "1", head: "2")
        #expect(paths.status == 1 && versions.status == 1, "\(versions.stderr)")
        let expected = try Self.verdicts(temp.child("paths.json")), found = try Self.verdicts(temp.child("versions.json"))
        #expect(found.map { "\($0.id) \($0.status)" } == expected.map { "\($0.id) \($0.status)" })
        for (a, b) in zip(found, expected) where a.id == b.id {
            #expect(a.numbers.keys.sorted() == b.numbers.keys.sorted() && a.numbers.allSatisfy { Self.agree($0.value, b.numbers[$0.key] ?? .nan) }, "\(a) vs \(b)")
        }
        // Version 2 at main and no version (the latest, 2) at head: the same rows, nothing drifted.
        let latest = try check("latest", base: "2", head: nil)
        #expect(latest.status == 0, "\(latest.stderr)")
        let drift = try Self.verdicts(temp.child("latest.json")).filter { $0.id.hasPrefix("data-validation/drift/") }
        #expect(!drift.isEmpty && drift.allSatisfy { $0.status != "fail" && $0.status != "warn" && ($0.numbers["psi"] ?? 0) == 0 }, "\(drift)")
        let missing = try check("missing", base: "1", head: "7")
        let errors = missing.stderr.split(separator: "\n").filter { $0.hasPrefix("mlgate: error:") }
        #expect(missing.status == 2 && errors.count == 1 && errors[0].contains("version 7"), "\(missing.stderr)")
    }

    @Test func onlyTheBaselineOrTheRunnerChoosesTheServer() throws {
        let temp = try TemporaryDirectory("spark")
        try Self.sparkRepository("drift", at: temp.child("pr"), headExtra: "spark:\n  remote: sc://attacker.example:15002\n")
        let run = try MLGateBinary.run(["check", "--base", "main", "--only", "data-validation"], in: temp.child("pr"),
                                       environment: ["MLGATE_SPARK_REMOTE": "sc://127.0.0.1:9"])
        #expect(run.status == 2 && run.stderr.contains("spark.remote is set by the change under review"), "\(run.stderr)")
        try Self.sparkRepository("drift", at: temp.child("none"))
        let none = try MLGateBinary.run(["check", "--base", "main", "--only", "data-validation"], in: temp.child("none"))
        #expect(none.status == 2 && none.stderr.contains("MLGATE_SPARK_REMOTE"), "\(none.stderr)")
        try Self.sparkRepository("drift", at: temp.child("bad"))
        let bad = try MLGateBinary.run(["check", "--base", "main", "--only", "data-validation"], in: temp.child("bad"),
                                       environment: ["MLGATE_SPARK_REMOTE": "http://spark:15002"])
        #expect(bad.status == 2 && bad.stderr.contains("not a Spark Connect address"), "\(bad.stderr)")
    }
}
