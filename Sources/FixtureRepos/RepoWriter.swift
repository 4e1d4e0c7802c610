import CLibgit2
import Crypto
import Foundation

/// Writes commits, branches, tags and worktrees into a new repository through libgit2.
///
/// Test and demo tooling only: mlgate itself never writes to a repository. Commits use a fixed
/// author and timestamp so that every build of a fixture has the same commit ids.
public final class RepoWriter {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    let handle: OpaquePointer
    public let path: String
    private var clock: Int64 = 1_700_000_000

    private static let libraryInitialised: Int32 = git_libgit2_init()

    /// Initialises a new non-bare repository at `path` whose initial branch is `main`.
    public init(initializingAt path: String) throws {
        _ = Self.libraryInitialised
        var options = git_repository_init_options()
        git_repository_init_options_init(&options, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION))
        options.flags = GIT_REPOSITORY_INIT_MKPATH.rawValue
        var repo: OpaquePointer?
        let code = "main".withCString { head -> Int32 in
            options.initial_head = head
            return git_repository_init_ext(&repo, path, &options)
        }
        guard code == 0, let repo else { throw Self.failure("git_repository_init_ext", code) }
        handle = repo
        self.path = path
    }

    deinit { git_repository_free(handle) }

    static func failure(_ function: String, _ code: Int32) -> Failure {
        let message = git_error_last().flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "?"
        return Failure(description: "\(function) failed (\(code)): \(message)")
    }

    private func check(_ function: String, _ code: Int32) throws {
        if code < 0 { throw Self.failure(function, code) }
    }

    // MARK: Objects

    /// Stores `files` (repository-relative path → bytes) as a tree and returns its id.
    public func writeTree(_ files: [String: [UInt8]]) throws -> git_oid {
        var builder: OpaquePointer?
        try check("git_treebuilder_new", git_treebuilder_new(&builder, handle, nil))
        defer { git_treebuilder_free(builder) }
        var subdirectories: [String: [String: [UInt8]]] = [:]
        for (path, bytes) in files.sorted(by: { $0.key < $1.key }) {
            if let slash = path.firstIndex(of: "/") {
                let dir = String(path[..<slash]), rest = String(path[path.index(after: slash)...])
                subdirectories[dir, default: [:]][rest] = bytes
                continue
            }
            var blob = git_oid()
            try check("git_blob_create_from_buffer",
                      bytes.withUnsafeBytes { git_blob_create_from_buffer(&blob, handle, $0.baseAddress, $0.count) })
            try check("git_treebuilder_insert", git_treebuilder_insert(nil, builder, path, &blob, GIT_FILEMODE_BLOB))
        }
        for (dir, contents) in subdirectories.sorted(by: { $0.key < $1.key }) {
            var tree = try writeTree(contents)
            try check("git_treebuilder_insert", git_treebuilder_insert(nil, builder, dir, &tree, GIT_FILEMODE_TREE))
        }
        var oid = git_oid()
        try check("git_treebuilder_write", git_treebuilder_write(&oid, builder))
        return oid
    }

    /// Commits `files` as the whole tree with the given parents and moves `branch` (refs/heads/…) to it.
    @discardableResult
    public func commit(_ files: [String: [UInt8]], message: String, parents: [String], branch: String?) throws -> String {
        var treeID = try writeTree(files)
        var tree: OpaquePointer?
        try check("git_tree_lookup", git_tree_lookup(&tree, handle, &treeID))
        defer { git_tree_free(tree) }
        var parentHandles: [OpaquePointer?] = []
        defer { parentHandles.forEach { git_commit_free($0) } }
        for parent in parents {
            var oid = git_oid()
            try check("git_oid_fromstr", git_oid_fromstr(&oid, parent))
            var commit: OpaquePointer?
            try check("git_commit_lookup", git_commit_lookup(&commit, handle, &oid))
            parentHandles.append(commit)
        }
        clock += 60
        var signature: UnsafeMutablePointer<git_signature>?
        try check("git_signature_new", git_signature_new(&signature, "mlgate fixtures", "fixtures@mlgate.invalid", clock, 0))
        defer { git_signature_free(signature) }
        var oid = git_oid()
        let code = parentHandles.withUnsafeMutableBufferPointer { buffer in
            git_commit_create(&oid, handle, nil, signature, signature, "UTF-8", message, tree,
                              buffer.count, buffer.baseAddress)
        }
        try check("git_commit_create", code)
        let id = Self.hex(oid)
        if let branch { try setReference("refs/heads/\(branch)", to: id) }
        return id
    }

    static func hex(_ oid: git_oid) -> String {
        var oid = oid
        var buffer = [UInt8](repeating: 0, count: 40)
        buffer.withUnsafeMutableBufferPointer { raw in
            raw.withMemoryRebound(to: CChar.self) { _ = git_oid_fmt($0.baseAddress, &oid) }
        }
        return String(decoding: buffer, as: UTF8.self)
    }

    // MARK: References

    /// Creates or moves a direct reference (a branch, remote-tracking branch or lightweight tag).
    public func setReference(_ name: String, to commit: String) throws {
        var oid = git_oid()
        try check("git_oid_fromstr", git_oid_fromstr(&oid, commit))
        var ref: OpaquePointer?
        try check("git_reference_create", git_reference_create(&ref, handle, name, &oid, 1, nil))
        git_reference_free(ref)
    }

    /// Creates a symbolic reference such as `refs/remotes/origin/HEAD` → `refs/remotes/origin/main`.
    public func setSymbolicReference(_ name: String, to target: String) throws {
        var ref: OpaquePointer?
        try check("git_reference_symbolic_create", git_reference_symbolic_create(&ref, handle, name, target, 1, nil))
        git_reference_free(ref)
    }

    /// Adds a remote named `name` (URL only; nothing is fetched).
    public func addRemote(_ name: String, url: String) throws {
        var remote: OpaquePointer?
        try check("git_remote_create", git_remote_create(&remote, handle, name, url))
        git_remote_free(remote)
    }

    /// Makes `branch` track `upstream` (for example `origin/main`), so that `@{upstream}` resolves.
    public func setUpstream(of branch: String, to upstream: String) throws {
        var ref: OpaquePointer?
        try check("git_branch_lookup", git_branch_lookup(&ref, handle, branch, GIT_BRANCH_LOCAL))
        defer { git_reference_free(ref) }
        try check("git_branch_set_upstream", git_branch_set_upstream(ref, upstream))
    }

    /// Points HEAD at `branch` and writes the working tree and index to match.
    public func checkout(branch: String) throws {
        try check("git_repository_set_head", git_repository_set_head(handle, "refs/heads/\(branch)"))
        try checkoutHead()
    }

    /// Detaches HEAD at `commit` (what CI checkouts of a pull request do) and writes the working tree.
    public func checkout(detachedAt commit: String) throws {
        var oid = git_oid()
        try check("git_oid_fromstr", git_oid_fromstr(&oid, commit))
        try check("git_repository_set_head_detached", git_repository_set_head_detached(handle, &oid))
        try checkoutHead()
    }

    private func checkoutHead() throws {
        var options = git_checkout_options()
        git_checkout_options_init(&options, UInt32(GIT_CHECKOUT_OPTIONS_VERSION))
        options.checkout_strategy = GIT_CHECKOUT_FORCE.rawValue | GIT_CHECKOUT_REMOVE_UNTRACKED.rawValue
        try check("git_checkout_head", git_checkout_head(handle, &options))
    }

    /// Adds a linked worktree at `path` with `branch` checked out.
    public func addWorktree(named name: String, at path: String, branch: String) throws {
        var ref: OpaquePointer?
        try check("git_branch_lookup", git_branch_lookup(&ref, handle, branch, GIT_BRANCH_LOCAL))
        defer { git_reference_free(ref) }
        var options = git_worktree_add_options()
        git_worktree_add_options_init(&options, UInt32(GIT_WORKTREE_ADD_OPTIONS_VERSION))
        options.ref = ref
        var worktree: OpaquePointer?
        try check("git_worktree_add", git_worktree_add(&worktree, handle, name, path, &options))
        git_worktree_free(worktree)
    }

    // MARK: Git LFS

    /// The pointer text that stands in git for `content` stored in LFS.
    public static func lfsPointer(for content: [UInt8]) -> (pointer: [UInt8], oid: String) {
        let oid = SHA256.hash(data: content).map { String(format: "%02x", $0) }.joined()
        let text = "version https://git-lfs.github.com/spec/v1\noid sha256:\(oid)\nsize \(content.count)\n"
        return (Array(text.utf8), oid)
    }

    /// Stores `content` as a local LFS object, where `git lfs pull` would put it.
    public func storeLFSObject(_ content: [UInt8]) throws {
        let oid = Self.lfsPointer(for: content).oid
        let gitDir = String(cString: git_repository_commondir(handle))
        let dir = "\(gitDir)lfs/objects/\(oid.prefix(2))/\(oid.dropFirst(2).prefix(2))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data(content).write(to: URL(fileURLWithPath: "\(dir)/\(oid)"))
    }
}
