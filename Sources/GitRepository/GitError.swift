import CLibgit2

/// Everything that can go wrong while reading a repository, with a message a user can act on.
public enum GitError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No repository contains `path`.
    case notARepository(path: String)
    /// A revision string names nothing in the repository.
    case unknownRevision(String, shallow: Bool)
    /// None of the default base candidates exists.
    case noDefaultBase(tried: [String], shallow: Bool)
    /// The revisions have no common ancestor in the available history.
    case noMergeBase(base: String, head: String, shallow: Bool)
    /// A path is a Git LFS pointer whose object has not been downloaded.
    case lfsObjectMissing(path: String, oid: String)
    /// An object of the repository is damaged (truncated, not what its header says, or not
    /// what its name hashes to).
    case corruptObject(id: String, reason: String)
    /// A working-tree path resolves (through a symbolic link) outside the repository.
    case outsideRepository(path: String, target: String)
    /// A libgit2 call failed for a reason not covered above.
    case libgit2(function: String, code: Int32, message: String)

    static let shallowFix = "the clone is shallow: fetch the full history (`fetch-depth: 0` on actions/checkout, or `git fetch --unshallow`)"

    public var description: String {
        switch self {
        case .notARepository(let path):
            return "\(path) is not inside a git repository: run mlgate from a clone, or pass --repo DIR"
        case .unknownRevision(let rev, let shallow):
            let fix = shallow
                ? Self.shallowFix
                : "use a branch (main), remote-tracking branch (origin/main), tag, commit SHA, HEAD~N or @{upstream} that exists here, or `git fetch` it first"
            return "unknown revision '\(rev)': \(fix)"
        case .noDefaultBase(let tried, let shallow):
            let fix = shallow ? Self.shallowFix : "pass --base REV, or `git fetch origin` so that origin/HEAD exists"
            return "no base revision found (tried \(tried.joined(separator: ", "))): \(fix)"
        case .noMergeBase(let base, let head, let shallow):
            let fix = shallow ? Self.shallowFix : "the two revisions share no history; pass a --base that head was branched from"
            return "no merge-base between '\(base)' and '\(head)': \(fix)"
        case .lfsObjectMissing(let path, let oid):
            return "\(path) is a Git LFS pointer and its object \(oid.prefix(12))… is not in .git/lfs/objects: run `git lfs pull` (or `lfs: true` on actions/checkout)"
        case .outsideRepository(let path, let target):
            return "\(path) in the working tree leads outside the repository (to \(target)): mlgate reads only the repository's own files; replace the link with the file"
        case .corruptObject(let id, let reason):
            return "git object \(id.prefix(12)) is damaged (\(reason)): the clone is corrupt; run `git fsck`, then clone again or fetch the object from a good copy"
        case .libgit2(_, _, let message) where message.hasPrefix("git object ") && message.contains(" is damaged ("):
            return message   // our object reader's own words, through a libgit2 call
        case .libgit2(let function, let code, let message):
            return "libgit2 \(function) failed (\(code)): \(message)"
        }
    }

    /// Builds an error from libgit2's thread-local last error.
    static func last(_ function: String, _ code: Int32) -> GitError {
        let message: String
        if let error = git_error_last(), let text = error.pointee.message {
            message = String(cString: text)
        } else {
            message = "no message"
        }
        return .libgit2(function: function, code: code, message: message)
    }
}

/// Calls a libgit2 function and throws its last error when it returns a negative code.
@discardableResult
func check(_ function: String, _ code: Int32) throws(GitError) -> Int32 {
    if code < 0 { throw GitError.last(function, code) }
    return code
}
