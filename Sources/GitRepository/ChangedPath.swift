/// One path that differs between two revisions.
public struct ChangedPath: Hashable, Sendable {
    public enum Kind: String, Sendable {
        case added, deleted, modified, renamed, copied, typeChanged = "type-changed"
    }

    public let kind: Kind
    /// The path at head (for deletions, the path that was removed).
    public let path: String
    /// The path at the baseline when it differs (renames and copies).
    public let oldPath: String?

    public init(kind: Kind, path: String, oldPath: String? = nil) {
        self.kind = kind
        self.path = path
        self.oldPath = oldPath
    }
}
