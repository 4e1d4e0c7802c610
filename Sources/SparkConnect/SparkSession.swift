import Dispatch
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import SwiftProtobuf
import Tabular

/// A session on a Spark Connect server: runs relations and returns their rows as Arrow.
///
/// Every call carries a deadline, so a server that stops answering is an error after
/// `timeout`, never a hang. Executions are reattachable: when a long result's stream breaks
/// (a proxy's idle limit, a server restarting its handler), the client asks for the rest from
/// the last response it holds instead of running the query again. The engine is synchronous,
/// so each call runs on a queue of its own while the calling thread waits for it.
public struct SparkSession: Sendable {
    public let remote: SparkRemote
    public let sessionID: String
    /// The longest any one query may take, and how long to wait for a first answer.
    public let timeout: Duration
    public let connectTimeout: Duration

    public init(remote: SparkRemote, timeout: Duration = .seconds(600), connectTimeout: Duration = .seconds(20)) {
        self.remote = remote
        self.sessionID = UUID().uuidString.lowercased()
        self.timeout = timeout
        self.connectTimeout = min(connectTimeout, timeout)
    }

    private static let service = "spark.connect.SparkConnectService"

    /// The server's Spark version; checks that it is one mlgate's plans run on (3.5 and later).
    @discardableResult
    public func checkVersion() throws(SparkError) -> String {
        var request = Spark_Connect_AnalyzePlanRequest()
        request.sessionID = sessionID
        request.userContext = userContext
        request.clientType = Self.clientType
        request.sparkVersion = Spark_Connect_AnalyzePlanRequest.SparkVersion()
        let response: Spark_Connect_AnalyzePlanResponse = try unary("AnalyzePlan", request, what: "answering", timeout: connectTimeout)
        let version = response.sparkVersion.version
        let numbers = version.split(separator: ".").prefix(2).compactMap { Int($0.prefix { $0.isNumber }) }
        guard numbers.count == 2, numbers[0] > 3 || (numbers[0] == 3 && numbers[1] >= 5) else {
            throw .unsupportedVersion(remote: remote.description, found: version.isEmpty ? "of an unknown version" : version)
        }
        return version
    }

    /// Runs `relation` and returns its rows. `what` names the query in a timeout's message.
    public func collect(_ relation: Spark_Connect_Relation, what: String) throws(SparkError) -> ArrowStream {
        let parts = Received<[ArrowStream]>([])
        try execute(Self.plan(relation), what: what) { bytes throws(SparkError) in
            let part = try Self.decode(bytes)
            parts.update { $0.append(part) }
        }
        do {
            guard let joined = try ArrowStream.joining(parts.take()) else { throw SparkError.result("no rows and no schema") }
            return joined
        } catch let error as ArrowError {
            throw .result(error.description)
        } catch let error as SparkError {
            throw error
        } catch {
            throw .result("\(error)")
        }
    }

    /// Runs `relation` and builds its rows into a table as the batches arrive, so a large
    /// result (a sample for the models) is held once, as the table it becomes.
    public func collectTable(_ relation: Spark_Connect_Relation, what: String, source: String) throws(SparkError) -> Table {
        let builder = Received(ArrowTableBuilder())
        try execute(Self.plan(relation), what: what) { bytes throws(SparkError) in
            let part = try Self.decode(bytes)
            try builder.update { (table: inout ArrowTableBuilder) throws(SparkError) in
                do throws(ArrowError) { try table.append(part) } catch { throw .result(error.description) }
            }
        }
        return builder.take().table(source: source)
    }

    /// Runs a SQL query; `what` names it in a timeout's message.
    public func sql(_ query: String, what: String) throws(SparkError) -> ArrowStream {
        try collect(Self.relation(sql: query), what: what)
    }

    /// Runs a SQL query whose rows become a table (see `collectTable`).
    public func sqlTable(_ query: String, what: String, source: String) throws(SparkError) -> Table {
        try collectTable(Self.relation(sql: query), what: what, source: source)
    }

    private static func relation(sql query: String) -> Spark_Connect_Relation {
        var relation = Spark_Connect_Relation()
        var sql = Spark_Connect_SQL()
        sql.query = query
        relation.sql = sql
        return relation
    }

    private static func plan(_ relation: Spark_Connect_Relation) -> Spark_Connect_Plan {
        var plan = Spark_Connect_Plan()
        plan.root = relation
        return plan
    }

    private static func decode(_ bytes: [UInt8]) throws(SparkError) -> ArrowStream {
        do { return try ArrowStream(decoding: bytes) } catch { throw .result(error.description) }
    }

    /// Runs a command (one that returns no rows, such as creating a view).
    public func run(_ command: Spark_Connect_Command, what: String) throws(SparkError) {
        var plan = Spark_Connect_Plan()
        plan.command = command
        try execute(plan, what: what) { _ throws(SparkError) in }
    }

    /// Runs `plan`, handing each Arrow batch of its result to `receive` as it arrives (in order;
    /// a reattached stream continues after the last response received, so none comes twice).
    private func execute(_ plan: Spark_Connect_Plan, what: String, receive: @escaping @Sendable ([UInt8]) throws(SparkError) -> Void) throws(SparkError) {
        let operation = UUID().uuidString.lowercased()
        var request = Spark_Connect_ExecutePlanRequest()
        request.sessionID = sessionID
        request.userContext = userContext
        request.clientType = Self.clientType
        request.operationID = operation
        request.plan = plan
        var option = Spark_Connect_ExecutePlanRequest.RequestOption()
        var reattach = Spark_Connect_ReattachOptions()
        reattach.reattachable = true
        option.reattachOptions = reattach
        request.requestOptions = [option]

        try blocking(what: what, timeout: timeout) { [self, request] in
            try await withClient { client in
                var state = Execution()
                try await self.stream(client, method: "ExecutePlan", request: request, into: &state, receive: receive)
                var attempts = 0
                // A stream that ended before the result did: reattach from the last response.
                while !state.complete {
                    attempts += 1
                    guard attempts <= 3 else { throw SparkError.result("the result stream kept breaking off before its end") }
                    var again = Spark_Connect_ReattachExecuteRequest()
                    again.sessionID = sessionID
                    again.userContext = userContext
                    again.clientType = Self.clientType
                    again.operationID = operation
                    if let last = state.lastResponse { again.lastResponseID = last }
                    try await self.stream(client, method: "ReattachExecute", request: again, into: &state, receive: receive)
                }
                // The server keeps a reattachable result until told it was read.
                var release = Spark_Connect_ReleaseExecuteRequest()
                release.sessionID = sessionID
                release.userContext = userContext
                release.operationID = operation
                release.releaseAll = Spark_Connect_ReleaseExecuteRequest.ReleaseAll()
                var options = CallOptions.defaults
                options.timeout = .seconds(10)
                _ = try? await client.unary(request: ClientRequest(message: release), descriptor: Self.method("ReleaseExecute"),
                                            serializer: ProtobufCoding<Spark_Connect_ReleaseExecuteRequest>(),
                                            deserializer: ProtobufCoding<Spark_Connect_ReleaseExecuteResponse>(),
                                            options: options) { try $0.message }
            }
        }
    }

    /// Tells the server the session is over, so it frees what it cached for it. Best effort.
    public func close() {
        var request = Spark_Connect_ReleaseSessionRequest()
        request.sessionID = sessionID
        request.userContext = userContext
        request.clientType = Self.clientType
        let _: Spark_Connect_ReleaseSessionResponse? = try? unary("ReleaseSession", request, what: "closing the session", timeout: .seconds(5))
    }

    // MARK: Calls

    private struct Execution: Sendable {
        var lastResponse: String?
        var complete = false
    }

    private static let clientType = "mlgate"

    private var userContext: Spark_Connect_UserContext {
        var context = Spark_Connect_UserContext()
        context.userID = remote.userID ?? ProcessInfo.processInfo.environment["USER"] ?? "mlgate"
        context.userName = context.userID
        return context
    }

    private var metadata: Metadata {
        var metadata: Metadata = [:]
        if let token = remote.token { metadata.addString("Bearer \(token)", forKey: "authorization") }
        for (name, value) in remote.headers.sorted(by: { $0.key < $1.key }) { metadata.addString(value, forKey: name) }
        return metadata
    }

    private static func method(_ name: String) -> MethodDescriptor {
        MethodDescriptor(fullyQualifiedService: service, method: name)
    }

    private func withClient<T: Sendable>(_ body: @Sendable (GRPCClient<HTTP2ClientTransport.Posix>) async throws -> T) async throws -> T {
        let transport = try HTTP2ClientTransport.Posix(target: .dns(host: remote.host, port: remote.port),
                                                       transportSecurity: remote.useTLS ? .tls : .plaintext)
        return try await withGRPCClient(transport: transport) { client in try await body(client) }
    }

    private func stream<Request: SwiftProtobuf.Message & Sendable>(_ client: GRPCClient<HTTP2ClientTransport.Posix>, method: String,
                                                                   request: Request, into state: inout Execution,
                                                                   receive: @escaping @Sendable ([UInt8]) throws(SparkError) -> Void) async throws {
        var options = CallOptions.defaults
        options.timeout = timeout
        options.waitForReady = false
        let collected = try await client.serverStreaming(request: ClientRequest(message: request, metadata: metadata), descriptor: Self.method(method),
                                                         serializer: ProtobufCoding<Request>(),
                                                         deserializer: ProtobufCoding<Spark_Connect_ExecutePlanResponse>(),
                                                         options: options) { [state] response in
            var state = state
            for try await message in response.messages {
                if !message.responseID.isEmpty { state.lastResponse = message.responseID }
                switch message.responseType {
                case .arrowBatch(let batch): try receive([UInt8](batch.data))
                case .resultComplete: state.complete = true
                default: break
                }
            }
            return state
        }
        state = collected
    }

    private func unary<Request: SwiftProtobuf.Message & Sendable, Response: SwiftProtobuf.Message & Sendable>(
        _ method: String, _ request: Request, what: String, timeout: Duration) throws(SparkError) -> Response {
        try blocking(what: what, timeout: timeout) { [self] in
            try await withClient { client in
                var options = CallOptions.defaults
                options.timeout = timeout
                options.waitForReady = false
                return try await client.unary(request: ClientRequest(message: request, metadata: metadata), descriptor: Self.method(method),
                                              serializer: ProtobufCoding<Request>(), deserializer: ProtobufCoding<Response>(),
                                              options: options) { try $0.message }
            }
        }
    }

    /// Runs `body` on a queue of its own (see `QueueExecutor`) and waits for it on this thread,
    /// mapping gRPC's errors to what a user can act on.
    private func blocking<T: Sendable>(what: String, timeout: Duration, _ body: @escaping @Sendable () async throws -> T) throws(SparkError) -> T {
        let outcome = Outcome<T>()
        let done = DispatchSemaphore(value: 0)
        Task.detached(executorPreference: QueueExecutor(label: "mlgate.spark-connect")) {
            do { outcome.value = .success(try await body()) } catch { outcome.value = .failure(error) }
            done.signal()
        }
        done.wait()
        switch outcome.value! {
        case .success(let value): return value
        case .failure(let error): throw Self.explain(error, remote: remote, what: what, timeout: timeout)
        }
    }

    static func explain(_ error: any Error, remote: SparkRemote, what: String, timeout: Duration) -> SparkError {
        if let spark = error as? SparkError { return spark }
        guard let rpc = error as? RPCError else {
            if let runtime = error as? RuntimeError { return .unreachable(remote: remote.description, reason: runtime.message) }
            return .unreachable(remote: remote.description, reason: "\(error)")
        }
        let message = Self.firstLine(rpc.message)
        switch rpc.code {
        case .unavailable:
            return .unreachable(remote: remote.description, reason: message)
        case .deadlineExceeded:
            return .timedOut(remote: remote.description, what: what, seconds: Int(timeout.components.seconds))
        case .permissionDenied, .unauthenticated:
            return .denied(remote: remote.description, message: message)
        case .unimplemented:
            return .unsupportedVersion(remote: remote.description, found: "without this call (\(message))")
        default:
            return .server(remote: remote.description, what: what, message: message)
        }
    }

    /// Spark's messages run to a plan dump after their first line; the first line says it.
    static func firstLine(_ text: String) -> String {
        let line = text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? text
        return line.count > 400 ? String(line.prefix(400)) + "…" : line
    }
}

/// The result a detached task hands back to the thread waiting on it: written once before the
/// semaphore is signalled, read once after.
private final class Outcome<T: Sendable>: @unchecked Sendable {
    var value: Result<T, any Error>?
}

/// What the result stream's handler builds from the batches, handed back to the calling thread:
/// the handler runs on the call's queue, one message after another.
private final class Received<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func update<E: Error>(_ body: (inout Value) throws(E) -> Void) throws(E) {
        lock.lock()
        defer { lock.unlock() }
        try body(&value)
    }

    func take() -> Value { lock.withLock { value } }
}
