import Dispatch
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

    /// `checkVersion` against a server answering as `version`, run off the concurrency pool (it
    /// blocks its thread while the call runs on the pool, where this server runs too).
    static func check(against version: String?) async throws -> Result<String, SparkError> {
        let transport = HTTP2ServerTransport.Posix(address: .ipv4(host: "127.0.0.1", port: 0), transportSecurity: .plaintext)
        return try await withGRPCServer(transport: transport, services: [AnalyzeOnly(version: version)]) { server in
            guard let port = try await transport.listeningAddress.ipv4?.port else { throw SparkError.result("the test server has no port") }
            let session = SparkSession(remote: try SparkRemote(parsing: "sc://127.0.0.1:\(port)"), timeout: .seconds(10))
            let result = await withCheckedContinuation { (done: CheckedContinuation<Result<String, SparkError>, Never>) in
                DispatchQueue.global().async {
                    done.resume(returning: Result { () throws(SparkError) in try session.checkVersion() })
                }
            }
            server.beginGracefulShutdown()
            return result
        }
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
