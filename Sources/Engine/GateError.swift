import GateKit
import GitRepository

/// Why the gate could not run as asked (exit 2): one line that says what and how to fix it.
public enum GateError: Error, CustomStringConvertible, Sendable {
    case git(GitError)
    case configuration(ConfigurationError)
    case data(TabularError)
    case missingConfiguration(path: String, revision: String)
    case missingDataFile(key: String, path: String, revision: String)
    case usage(String)
    /// The Spark Connect server could not be used (unreachable, refused, too old, timed out).
    case spark(String)

    public var description: String {
        switch self {
        case .git(let error): return error.description
        case .configuration(let error): return error.description
        case .data(let error): return error.description
        case .missingConfiguration(let path, let revision):
            return "no \(path) at \(revision): run `mlgate init` to write one from your data, commit it, or pass --config PATH"
        case .missingDataFile(let key, let path, let revision):
            return "data.\(key) is \(path), which does not exist at \(revision): commit the file or fix the path in mlgate.yml"
        case .usage(let message): return message
        case .spark(let message): return message
        }
    }
}
