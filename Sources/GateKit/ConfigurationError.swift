/// A problem in `mlgate.yml`, located by file, line and key.
public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// How the file is named in messages (`mlgate.yml@a1b2c3d4`).
    public let file: String
    public let line: Int
    /// The dotted key path (`checks.data-validation.drift.fail`); empty for the whole file.
    public let key: String
    public let problem: String

    public init(file: String, line: Int, key: String, problem: String) {
        self.file = file
        self.line = line
        self.key = key
        self.problem = problem
    }

    public var description: String {
        let location = line > 0 ? "\(file):\(line)" : file
        return key.isEmpty ? "\(location): \(problem)" : "\(location): \(key): \(problem)"
    }
}
