import GateKit
import SparkConnect
import Tabular

/// Opens the Spark sources a run's configurations name (#17): one session on the trusted
/// server for both sides, so that statistics comparing them run in one engine.
enum SparkSources {
    /// The session both sides' Spark sources use; nil when neither side names one.
    ///
    /// The server is the runner's (`MLGATE_SPARK_REMOTE`) or the baseline's `spark.remote`,
    /// never head's: a PR that could point the gate at a server of its choosing could have its
    /// statistics made up. Head may repeat the baseline's address, not change it.
    static func session(head: Configuration, baseline: Configuration?, configPath: String,
                        environment: [String: String], progress: (String) -> Void) throws(GateError) -> (SparkSession, version: String)? {
        guard !head.data.spark.isEmpty || !(baseline?.data.spark.isEmpty ?? true) else { return nil }
        if let proposed = head.spark.remote, proposed != baseline?.spark.remote {
            throw .usage("\(configPath): spark.remote is set by the change under review (\(proposed)); only main's \(configPath) or the runner's MLGATE_SPARK_REMOTE may choose the Spark server that computes the gate's statistics")
        }
        if let baseline, !head.data.spark.isEmpty, baseline.data.spark.isEmpty {
            throw .usage("\(configPath): head reads data.train from Spark but the baseline from the repository; statistics compare like with like, so land the move to Spark first (with --only model-evaluation, or --skip data-validation)")
        }
        guard let text = environment["MLGATE_SPARK_REMOTE"] ?? baseline?.spark.remote else {
            throw .usage("\(configPath): data names a Spark source but no server is set: export MLGATE_SPARK_REMOTE=sc://HOST:15002, or set spark.remote in main's \(configPath)")
        }
        let settings = baseline?.spark ?? head.spark
        do {
            let remote = try SparkRemote(parsing: text)
            let session = SparkSession(remote: remote, timeout: .seconds(settings.timeoutSeconds))
            let version = try session.checkVersion()
            progress("spark: Spark \(version) at \(remote)")
            return (session, version)
        } catch {
            throw .spark(error.description)
        }
    }

    /// Each Spark source of `configuration`, opened as a view in `session`.
    static func tables(_ configuration: Configuration, role: Side.Role, session: SparkSession, version: String,
                       exactRows: Int) throws(GateError) -> [String: SparkTable] {
        var tables: [String: SparkTable] = [:]
        for (key, source) in configuration.data.spark.sorted(by: { $0.key < $1.key }) {
            do {
                tables[key] = try SparkTable(source: source, session: session, version: version,
                                             label: "\(role.rawValue)'s data.\(key) (\(source.description))", exactRows: exactRows)
            } catch {
                throw .data(error)
            }
        }
        return tables
    }
}
