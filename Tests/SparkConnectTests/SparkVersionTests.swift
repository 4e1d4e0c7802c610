import Dispatch
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
@testable import SparkConnect
import Testing

/// The version check against a Connect server that is not Spark: a gRPC server in this process
/// answering `AnalyzePlan` as a server of the version under test would (or, for a server older
/// than Connect's version call, with UNIMPLEMENTED), so the paths no real 4.0 server can take
/// are taken.
@Suite struct SparkVersionTests {
    /// Answers `AnalyzePlan` with `version`, or with UNIMPLEMENTED when it is nil.
    struct AnalyzeOnly: RegistrableRPCService {
        let version: String?

        func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
            let version = version
            router.registerHandler(forMethod: MethodDescriptor(fullyQualifiedService: "spark.connect.SparkConnectService", method: "AnalyzePlan"),
                                   deserializer: ProtobufCoding<Spark_Connect_AnalyzePlanRequest>(),
                                   serializer: ProtobufCoding<Spark_Connect_AnalyzePlanResponse>()) { request, _ in
                var session = ""
                for try await message in request.messages { session = message.sessionID }
                guard let version else {
                    return StreamingServerResponse(error: RPCError(code: .unimplemented, message: "Method not found: AnalyzePlan"))
                }
                var response = Spark_Connect_AnalyzePlanResponse()
                response.sessionID = session
                var answer = Spark_Connect_AnalyzePlanResponse.SparkVersion()
                answer.version = version
                response.sparkVersion = answer
                return StreamingServerResponse(single: ServerResponse(message: response))
            }
        }
    }

    /// `checkVersion` against a server answering as `version`, asked from a dispatch thread (it
    /// blocks the thread it runs on, as the synchronous engine does). The server runs on a queue
    /// of its own, so it answers whatever the concurrency pool is doing; `whilePoolIsBusy` runs
    /// first, on the asking thread.
    static func check(against version: String?, whilePoolIsBusy: @escaping @Sendable () -> Void = {},
                      then: @escaping @Sendable () -> Void = {}) async throws -> Result<String, SparkError> {
        try await withTaskExecutorPreference(QueueExecutor(label: "mlgate.test-server")) {
            let transport = HTTP2ServerTransport.Posix(address: .ipv4(host: "127.0.0.1", port: 0), transportSecurity: .plaintext)
            return try await withGRPCServer(transport: transport, services: [AnalyzeOnly(version: version)]) { server in
                guard let port = try await transport.listeningAddress.ipv4?.port else { throw SparkError.result("the test server has no port") }
                let session = SparkSession(remote: try SparkRemote(parsing: "sc://127.0.0.1:\(port)"), timeout: .seconds(10))
                let result = await withCheckedContinuation { (done: CheckedContinuation<Result<String, SparkError>, Never>) in
                    DispatchQueue.global().async {
                        whilePoolIsBusy()
                        let result = Result { () throws(SparkError) in try session.checkVersion() }
                        then()
                        done.resume(returning: result)
                    }
                }
                server.beginGracefulShutdown()
                return result
            }
        }
    }

    /// The failure CI met: a test process's pool threads all waiting on synchronous Spark
    /// calls, so the calls they waited for, which needed the pool to run, never ran. Here every
    /// pool thread waits while the call is made; it must be answered before a watchdog frees
    /// the pool (which keeps this test from hanging when it fails).
    @Test func aCallIsAnsweredWhileEveryPoolThreadWaits() async throws {
        let width = ProcessInfo.processInfo.activeProcessorCount
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let answered = DispatchSemaphore(value: 0)
        let watchdogFreedThePool = Flag()
        for _ in 0..<width {
            Task.detached {
                started.signal()
                release.wait()
            }
        }
        let result = try await Self.check(against: "4.0.1", whilePoolIsBusy: {
            // Other suites may hold pool threads for a while; the blockers start when they can.
            for _ in 0..<width { _ = started.wait(timeout: .now() + 120) }
            DispatchQueue.global().async {
                if answered.wait(timeout: .now() + 20) == .timedOut { watchdogFreedThePool.set() }
                for _ in 0..<width { release.signal() }
            }
        }, then: { answered.signal() })
        #expect(!watchdogFreedThePool.isSet, "the call was not answered while the pool was busy")
        #expect((try? result.get()) == "4.0.1", "\(result)")
    }

    /// Set once, from any thread.
    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        func set() { lock.withLock { value = true } }
        var isSet: Bool { lock.withLock { value } }
    }

    @Test(arguments: ["3.5.0", "3.5.3", "4.0.1", "4.1.0-preview2"])
    func supportedVersionsAreAccepted(_ version: String) async throws {
        let result = try await Self.check(against: version)
        #expect((try? result.get()) == version, "\(result)")
    }

    @Test(arguments: [("3.4.1", "runs Spark 3.4.1; mlgate needs Spark 3.5 or later"),
                      ("2.4.8", "runs Spark 2.4.8; mlgate needs Spark 3.5 or later"),
                      ("", "runs Spark of an unknown version; mlgate needs Spark 3.5 or later")])
    func olderServersAreRefusedSayingWhatIsNeeded(_ version: String, _ expected: String) async throws {
        let result = try await Self.check(against: version)
        guard case .failure(let error) = result, case .unsupportedVersion = error else {
            Issue.record("expected an unsupported version, got \(result)")
            return
        }
        #expect(error.description.contains(expected), "\(error.description)")
        #expect(!error.description.contains("\n"))
    }

    @Test func aServerWithoutTheVersionCallIsRefusedToo() async throws {
        let result = try await Self.check(against: nil)
        guard case .failure(let error) = result, case .unsupportedVersion = error else {
            Issue.record("expected an unsupported version, got \(result)")
            return
        }
        #expect(error.description.contains("mlgate needs Spark 3.5 or later"), "\(error.description)")
    }
}
