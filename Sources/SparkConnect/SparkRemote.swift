/// Where a Spark Connect server listens, as Spark's clients write it:
/// `sc://host[:port][/;param=value;…]` with `use_ssl`, `token` and `user_id` understood.
/// The port defaults to 15002, Spark Connect's own.
public struct SparkRemote: Sendable, Equatable, CustomStringConvertible {
    public let host: String
    public let port: Int
    public let useTLS: Bool
    /// A bearer token (Databricks, a gateway in front of the server); sent only over TLS.
    public let token: String?
    public let userID: String?
    /// Other parameters, sent as gRPC headers with every call, as Spark's own clients do
    /// (`x-databricks-cluster-id=…`).
    public let headers: [String: String]

    public init(host: String, port: Int = 15002, useTLS: Bool = false, token: String? = nil, userID: String? = nil, headers: [String: String] = [:]) {
        self.host = host
        self.port = port
        self.useTLS = useTLS
        self.token = token
        self.userID = userID
        self.headers = headers
    }

    public init(parsing text: String) throws(SparkError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("sc://") else {
            throw .badRemote("\(text) is not a Spark Connect address: write sc://HOST:PORT (Spark Connect listens on 15002 by default)")
        }
        let rest = trimmed.dropFirst(5)
        let parts = rest.split(separator: ";", omittingEmptySubsequences: false)
        var authority = String(parts[0])
        if authority.hasSuffix("/") { authority.removeLast() }
        guard !authority.contains("/") else { throw .badRemote("\(text): a Spark Connect address has no path; parameters follow `/;` (sc://host:15002/;use_ssl=true)") }
        var host = authority, port = 15002
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            host = String(authority[..<colon])
            guard let number = Int(authority[authority.index(after: colon)...]), (1...65535).contains(number) else {
                throw .badRemote("\(text): the port must be a number from 1 to 65535")
            }
            port = number
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw .badRemote("\(text) names no host") }
        var useTLS = false, token: String?, user: String?, headers: [String: String] = [:]
        for parameter in parts.dropFirst() where !parameter.isEmpty {
            let pair = parameter.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { throw .badRemote("\(text): parameter `\(parameter)` needs a value (name=value)") }
            switch pair[0] {
            case "use_ssl": useTLS = pair[1].lowercased() == "true"
            case "token": token = pair[1]
            case "user_id": user = pair[1]
            case "session_id", "user_agent", "grpc_max_message_size": break
            default:
                guard pair[0].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                    throw .badRemote("\(text): `\(pair[0])` cannot be a header name (letters, digits, - and _)")
                }
                headers[pair[0].lowercased()] = pair[1]
            }
        }
        if token != nil, !useTLS {
            throw .badRemote("\(text): a token is sent only over TLS; add use_ssl=true")
        }
        self.init(host: host, port: port, useTLS: useTLS, token: token, userID: user, headers: headers)
    }

    /// The address without its token, for messages and logs.
    public var description: String {
        "sc://\(host.contains(":") ? "[\(host)]" : host):\(port)" + (useTLS ? "/;use_ssl=true" : "")
    }
}

public enum SparkError: Error, Equatable, Sendable, CustomStringConvertible {
    case badRemote(String)
    case unreachable(remote: String, reason: String)
    case timedOut(remote: String, what: String, seconds: Int)
    case denied(remote: String, message: String)
    case server(remote: String, what: String, message: String)
    case unsupportedVersion(remote: String, found: String)
    case result(String)

    public var description: String {
        switch self {
        case .badRemote(let why):
            "spark.remote: \(why)"
        case .unreachable(let remote, let reason):
            "cannot reach the Spark Connect server at \(remote) (\(reason)): start it (sbin/start-connect-server.sh) or point MLGATE_SPARK_REMOTE at a running one"
        case .timedOut(let remote, let what, let seconds):
            "Spark at \(remote) did not finish \(what) within \(seconds) s: raise spark.timeout, add a `where:` to read less, or give the cluster more executors"
        case .denied(let remote, let message):
            "Spark at \(remote) refused: \(message) — check the token (MLGATE_SPARK_REMOTE …;token=) and the table's grants"
        case .server(let remote, let what, let message):
            "Spark at \(remote) failed \(what): \(message)"
        case .unsupportedVersion(let remote, let found):
            "the Spark Connect server at \(remote) runs Spark \(found); mlgate needs Spark 3.5 or later"
        case .result(let why):
            "Spark returned a result mlgate cannot read: \(why)"
        }
    }
}
