/// The outcome of one check, ordered by severity so that a gate's status is the maximum.
///
/// `skip` ranks below `pass`: a run whose only other outcomes are skips still passed what it
/// could judge, and a run that judged nothing says so.
public enum Status: String, Codable, Sendable, Comparable, CaseIterable {
    case skip, pass, warn, fail, error

    private var severity: Int {
        switch self {
        case .skip: 0
        case .pass: 1
        case .warn: 2
        case .fail: 3
        case .error: 4
        }
    }

    public static func < (lhs: Status, rhs: Status) -> Bool { lhs.severity < rhs.severity }

    /// True for the statuses that fail the gate (exit 1): it fails closed on `error`.
    public var failsGate: Bool { self == .fail || self == .error }

    /// The worst of `statuses`; `skip` when there are none.
    public static func worst<S: Sequence>(_ statuses: S) -> Status where S.Element == Status {
        statuses.max() ?? .skip
    }
}
