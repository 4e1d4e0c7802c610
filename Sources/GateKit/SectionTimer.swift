import Foundation

/// Logs the time of each section of a plugin's work as `PLUGIN: SECTION in 1.23 s`, as the
/// engine logs each plugin's (`-v`), so a user sees where the time goes.
public struct SectionTimer: Sendable {
    public let prefix: String
    public let log: @Sendable (String) -> Void

    public init(_ prefix: String, log: @escaping @Sendable (String) -> Void) {
        self.prefix = prefix
        self.log = log
    }

    public func callAsFunction<T, E: Error>(_ section: String, _ work: () throws(E) -> T) throws(E) -> T {
        let start = ContinuousClock.now
        let result = try work()
        log("\(prefix): \(section) in \(NumberText.fixed(Self.seconds(since: start), decimals: 2)) s")
        return result
    }

    /// Logs `section(result)`: for a section whose line names what it found.
    public func callAsFunction<T, E: Error>(_ work: () throws(E) -> T, _ section: (T) -> String) throws(E) -> T {
        let start = ContinuousClock.now
        let result = try work()
        log("\(prefix): \(section(result)) in \(NumberText.fixed(Self.seconds(since: start), decimals: 2)) s")
        return result
    }

    public static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
