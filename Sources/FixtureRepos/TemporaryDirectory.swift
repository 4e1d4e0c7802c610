import Foundation

/// A fresh directory under the system's temporary folder, removed when the value is released
/// (unless `MLGATE_KEEP_TEMP` is set, to inspect a failing test's repository).
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init(_ prefix: String = "mlgate") throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
    }

    /// `name` inside this directory.
    public func child(_ name: String) -> String { path + "/" + name }

    deinit {
        if ProcessInfo.processInfo.environment["MLGATE_KEEP_TEMP"] == nil {
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}
