import CLibgit2
import Foundation

/// A git repository opened read-only through libgit2.
///
/// The one owner of a `git_repository` handle; every lookup follows lookup → use → free with
/// `defer`. Nothing here writes to the repository: no index writes, no checkouts, no refs.
/// Not thread-safe (libgit2 handles are not): read everything on one task, then share the bytes.
public final class Repository {
    let handle: OpaquePointer

    /// libgit2 wants one global initialisation per process; a static `let` runs it exactly once.
    ///
    /// Owner validation (git's `safe.directory`) is turned off: it guards against running programs
    /// a stranger's repository configures (hooks, fsmonitor), and mlgate runs none of those. CI
    /// jobs in containers often read a checkout that belongs to another user, which libgit2 would
    /// otherwise refuse as "not a repository".
    private static let libraryInitialised: Int32 = {
        let code = git_libgit2_init()
        _ = mlgate_git_set_owner_validation(0)
        return code
    }()

    /// Opens the repository that contains `path` (a worktree, a subdirectory, or the root).
    ///
    /// - Throws: `GitError.notARepository` when no enclosing repository exists.
    public static func discover(from path: String) throws(GitError) -> Repository {
        _ = libraryInitialised
        var repo: OpaquePointer?
        let code = git_repository_open_ext(&repo, path, 0, nil)
        guard code == 0, let repo else {
            if code == GIT_ENOTFOUND.rawValue { throw GitError.notARepository(path: path) }
            throw GitError.last("git_repository_open_ext", code)
        }
        let repository = Repository(handle: repo)
        // Every loose object is read through our reader, which ends on a damaged one.
        try LooseObjectBackend.install(on: repo, objectsDirectory: repository.commonDirectory + "objects")
        return repository
    }

    private init(handle: OpaquePointer) { self.handle = handle }

    deinit { git_repository_free(handle) }

    /// The working directory, with a trailing slash; nil for a bare repository.
    public var workingDirectory: String? {
        git_repository_workdir(handle).map { String(cString: $0) }
    }

    /// The `.git` directory shared by all worktrees (where `lfs/objects` lives).
    public var commonDirectory: String { String(cString: git_repository_commondir(handle)) }

    /// True for a shallow clone, whose history stops at grafted commits.
    public var isShallow: Bool { git_repository_is_shallow(handle) == 1 }

    /// True when HEAD points at a commit rather than a branch (the usual CI checkout).
    public var isHeadDetached: Bool { git_repository_head_detached(handle) == 1 }

    // MARK: Revisions

    /// Resolves any revision form git understands (branch, remote-tracking branch, tag, full or
    /// short SHA, `HEAD~2`, `@{upstream}`) to the commit it names.
    public func resolve(_ spec: String) throws(GitError) -> ObjectID {
        var object: OpaquePointer?
        let code = git_revparse_single(&object, handle, spec)
        guard code == 0, let object else {
            if [GIT_ENOTFOUND, GIT_EAMBIGUOUS, GIT_EINVALIDSPEC].map(\.rawValue).contains(code)
                || isShallow {
                throw GitError.unknownRevision(spec, shallow: isShallow)
            }
            let failure = GitError.last("git_revparse_single", code)
            // A damaged commit can make revparse fail without a word: name the damage.
            var oid = git_oid()
            if git_reference_name_to_id(&oid, handle, spec) == 0,
               let input = try LooseObject.file(ObjectID(oid), objectsDirectory: commonDirectory + "objects") {
                _ = try LooseObject.inflateObject(input, id: ObjectID(oid))
            }
            throw failure
        }
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        let peeled = git_object_peel(&commit, object, GIT_OBJECT_COMMIT)
        guard peeled == 0, let commit else { throw GitError.unknownRevision(spec, shallow: false) }
        defer { git_object_free(commit) }
        return ObjectID(git_object_id(commit).pointee)
    }

    /// True when `spec` resolves to a commit.
    public func exists(_ spec: String) -> Bool {
        (try? resolve(spec)) != nil
    }

    /// The best common ancestor of two commits: the baseline GitHub's pull-request diff shows.
    public func mergeBase(_ a: ObjectID, _ b: ObjectID, names: (String, String)) throws(GitError) -> ObjectID {
        var out = git_oid()
        var one = a.raw, two = b.raw
        let code = git_merge_base(&out, handle, &one, &two)
        if code == 0 { return ObjectID(out) }
        // A shallow clone reports missing parents as a generic error; treat any failure there alike.
        if code == GIT_ENOTFOUND.rawValue || isShallow {
            throw GitError.noMergeBase(base: names.0, head: names.1, shallow: isShallow)
        }
        throw GitError.last("git_merge_base", code)
    }

    // MARK: Reading files

    /// The blob at `path` in `commit`, exactly as stored (LFS pointers are not followed);
    /// nil when the path does not exist or is not a file.
    public func blob(_ path: String, at commit: ObjectID) throws(GitError) -> [UInt8]? {
        let tree = try self.tree(of: commit)
        defer { git_tree_free(tree) }
        var entry: OpaquePointer?
        let code = git_tree_entry_bypath(&entry, tree, path)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try check("git_tree_entry_bypath", code)
        guard let entry else { return nil }
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return nil }
        if let loose = try LooseObject.blob(ObjectID(git_tree_entry_id(entry).pointee), objectsDirectory: commonDirectory + "objects") {
            return loose
        }
        var blob: OpaquePointer?
        try check("git_blob_lookup", git_blob_lookup(&blob, handle, git_tree_entry_id(entry)))
        guard let blob else { return nil }
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: raw, count: size))
    }

    /// The id of the blob or tree at `path` in `commit`; nil when there is none.
    public func objectID(of path: String, at commit: ObjectID) throws(GitError) -> ObjectID? {
        let tree = try self.tree(of: commit)
        defer { git_tree_free(tree) }
        var entry: OpaquePointer?
        let code = git_tree_entry_bypath(&entry, tree, path)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try check("git_tree_entry_bypath", code)
        defer { git_tree_entry_free(entry) }
        return ObjectID(git_tree_entry_id(entry).pointee)
    }

    /// The size of blob `id` from its object header, without inflating its content; nil when it
    /// is not a blob.
    public func blobSize(_ id: ObjectID) throws(GitError) -> Int? {
        if let header = try LooseObject.header(id, objectsDirectory: commonDirectory + "objects") {
            return header.type == "blob" ? header.size : nil
        }
        var odb: OpaquePointer?
        try check("git_repository_odb", git_repository_odb(&odb, handle))
        defer { git_odb_free(odb) }
        var length = 0
        var type = GIT_OBJECT_INVALID
        var oid = id.raw
        try check("git_odb_read_header", git_odb_read_header(&length, &type, odb, &oid))
        return type == GIT_OBJECT_BLOB ? length : nil
    }

    /// The content of `path` at `commit`, following a Git LFS pointer to its local object.
    ///
    /// When `commit` is the one checked out and the working-tree file is the blob, as git's index
    /// vouches, the file is read from disk instead of inflating the object (a 170 MB blob: 1.2 s
    /// to inflate, a tenth of that to read).
    ///
    /// - Throws: `GitError.lfsObjectMissing` when the pointer's object was never pulled.
    public func readFile(_ path: String, at commit: ObjectID) throws(GitError) -> [UInt8]? {
        if let unchanged = try unchangedWorkingFile(path, at: commit) { return try followingLFS(unchanged, path: path) }
        guard let bytes = try blob(path, at: commit) else { return nil }
        return try followingLFS(bytes, path: path)
    }

    /// The working-tree copy of `path` when it is exactly the blob at `commit`: HEAD is `commit`,
    /// the index holds the same blob id for the path, and the file's size, modification time,
    /// inode and device are those the index recorded — git's own test of an unmodified file
    /// (`git status`). A file modified within the index's timestamp granularity ("racily clean":
    /// its mtime not older than the index file's) is not trusted, as git does not trust it. An LFS
    /// file matches only while its working copy is still the pointer (not smudged), and the
    /// caller follows the pointer as it would the blob's. Nil otherwise.
    func unchangedWorkingFile(_ path: String, at commit: ObjectID) throws(GitError) -> [UInt8]? {
        guard let root = workingDirectory, (try? resolve("HEAD")) == commit,
              let blobID = try objectID(of: path, at: commit), try insideWorkingTree(path) != nil else { return nil }
        var index: OpaquePointer?
        guard git_repository_index(&index, handle) == 0, let index else { return nil }
        defer { git_index_free(index) }
        guard let entry = git_index_get_bypath(index, path, 0)?.pointee, ObjectID(entry.id) == blobID else { return nil }
        var file = stat(), indexFile = stat()
        guard stat(root + path, &file) == 0, (file.st_mode & S_IFMT) == S_IFREG,
              let indexPath = git_index_path(index).map({ String(cString: $0) }), stat(indexPath, &indexFile) == 0 else { return nil }
        let modified = (Int64(file.st_mtim.tv_sec), Int64(file.st_mtim.tv_nsec))
        guard UInt64(file.st_size) == UInt64(entry.file_size), Int64(entry.mtime.seconds) == modified.0,
              entry.mtime.nanoseconds == 0 || Int64(entry.mtime.nanoseconds) == modified.1,
              UInt64(entry.ino) == UInt64(file.st_ino) || entry.ino == 0, UInt64(entry.dev) == UInt64(file.st_dev) || entry.dev == 0,
              modified < (Int64(indexFile.st_mtim.tv_sec), Int64(indexFile.st_mtim.tv_nsec)) else { return nil }
        guard let data = FileManager.default.contents(atPath: root + path), data.count == Int(file.st_size) else { return nil }
        return [UInt8](data)
    }

    /// A file on disk that holds the content of `path` at `commit` without reading it: the local
    /// object of a Git LFS pointer, with its size and LFS id; nil for content that lives only
    /// in git's object database (or is absent).
    public func diskFile(_ path: String, at commit: ObjectID) throws(GitError) -> (path: String, size: Int, id: String)? {
        // A pointer is under 1 KiB: a data file's blob is read here only when it could be one,
        // never inflated twice (once to look, once to read).
        guard let id = try objectID(of: path, at: commit), let size = try blobSize(id), size < LFSPointer.maximumSize,
              let bytes = try blob(path, at: commit), let pointer = LFSPointer(bytes) else { return nil }
        return try lfsObject(pointer, path: path)
    }

    /// `path` in the working tree, refused when it resolves outside the repository: a committed
    /// symbolic link (`data/train.csv -> /etc/passwd`, `-> ~/.aws/credentials`) must not put a
    /// file of the runner's into a report. nil when the file does not exist.
    func insideWorkingTree(_ path: String) throws(GitError) -> String? {
        guard let root = workingDirectory else { return nil }
        guard let real = realpath(root + path, nil) else { return nil }
        defer { free(real) }
        guard let realRoot = realpath(root, nil) else { return nil }
        defer { free(realRoot) }
        let resolved = String(cString: real), base = String(cString: realRoot)
        guard resolved.hasPrefix(base.hasSuffix("/") ? base : base + "/") else { throw .outsideRepository(path: path, target: resolved) }
        return resolved
    }

    /// The file on disk behind `path` in the working tree (or its LFS object), without reading it.
    public func workingDiskFile(_ path: String) throws(GitError) -> (path: String, size: Int, id: String?)? {
        guard try insideWorkingTree(path) != nil, let root = workingDirectory,
              let attributes = try? FileManager.default.attributesOfItem(atPath: root + path),
              attributes[.type] as? FileAttributeType == .typeRegular,
              let size = (attributes[.size] as? NSNumber)?.intValue else { return nil }
        if size < 1024, let bytes = FileManager.default.contents(atPath: root + path), let pointer = LFSPointer([UInt8](bytes)) {
            let object = try lfsObject(pointer, path: path)
            return (object.path, object.size, object.id)
        }
        return (root + path, size, nil)
    }

    private func lfsObject(_ pointer: LFSPointer, path: String) throws(GitError) -> (path: String, size: Int, id: String) {
        let objectPath = pointer.objectPath(commonDirectory: commonDirectory)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: objectPath),
              (attributes[.size] as? NSNumber)?.intValue == pointer.size else {
            throw GitError.lfsObjectMissing(path: path, oid: pointer.oid)
        }
        return (objectPath, pointer.size, "lfs-sha256:" + pointer.oid)
    }

    /// The content of `path` in the working tree (for `--worktree`), following LFS pointers.
    public func readWorkingFile(_ path: String) throws(GitError) -> [UInt8]? {
        guard try insideWorkingTree(path) != nil, let root = workingDirectory,
              let data = FileManager.default.contents(atPath: root + path) else { return nil }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root + path, isDirectory: &isDirectory),
              !isDirectory.boolValue else { return nil }
        return try followingLFS([UInt8](data), path: path)
    }

    private func followingLFS(_ bytes: [UInt8], path: String) throws(GitError) -> [UInt8] {
        guard let pointer = LFSPointer(bytes) else { return bytes }
        let objectPath = pointer.objectPath(commonDirectory: commonDirectory)
        guard let data = FileManager.default.contents(atPath: objectPath), data.count == pointer.size else {
            throw GitError.lfsObjectMissing(path: path, oid: pointer.oid)
        }
        return [UInt8](data)
    }

    private func tree(of commit: ObjectID) throws(GitError) -> OpaquePointer {
        var oid = commit.raw
        var commitHandle: OpaquePointer?
        try check("git_commit_lookup", git_commit_lookup(&commitHandle, handle, &oid))
        defer { git_commit_free(commitHandle) }
        var tree: OpaquePointer?
        try check("git_commit_tree", git_commit_tree(&tree, commitHandle))
        guard let tree else { throw GitError.libgit2(function: "git_commit_tree", code: -1, message: "no tree") }
        return tree
    }

    /// Every file path in `commit`'s tree, in git's order.
    public func listFiles(at commit: ObjectID) throws(GitError) -> [String] {
        try treeFiles(at: commit).map(\.path)
    }

    /// One file of a commit's tree: its path, whether git marks it executable or as a symbolic
    /// link, and its blob.
    public struct TreeFile: Sendable {
        public let path: String
        public let executable: Bool
        public let symbolicLink: Bool
        public let id: ObjectID
    }

    /// Every file of `commit`'s tree with its mode, in git's order.
    public func treeFiles(at commit: ObjectID) throws(GitError) -> [TreeFile] {
        let tree = try self.tree(of: commit)
        defer { git_tree_free(tree) }
        final class Collector { var files: [TreeFile] = [] }
        let collector = Collector()
        let code = withExtendedLifetime(collector) {
            git_tree_walk(tree, GIT_TREEWALK_PRE, { root, entry, payload in
                guard let entry, let payload, git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return 0 }
                let collector = Unmanaged<Collector>.fromOpaque(payload).takeUnretainedValue()
                let prefix = root.map { String(cString: $0) } ?? ""
                let mode = git_tree_entry_filemode(entry)
                collector.files.append(TreeFile(path: prefix + String(cString: git_tree_entry_name(entry)),
                                                executable: mode == GIT_FILEMODE_BLOB_EXECUTABLE, symbolicLink: mode == GIT_FILEMODE_LINK,
                                                id: ObjectID(git_tree_entry_id(entry).pointee)))
                return 0
            }, Unmanaged.passUnretained(collector).toOpaque())
        }
        try check("git_tree_walk", code)
        return collector.files
    }

    /// Git's blob id of `bytes` (the content hash git would give the file), without writing it.
    public static func blobID(of bytes: [UInt8]) -> ObjectID {
        _ = libraryInitialised
        var oid = git_oid()
        _ = bytes.withUnsafeBytes { git_odb_hash(&oid, $0.baseAddress, $0.count, GIT_OBJECT_BLOB) }
        return ObjectID(oid)
    }

    // MARK: Changes

    /// The paths that differ from `base` to `head`, with renames detected (50% similarity, git's default).
    public func changedPaths(from base: ObjectID, to head: ObjectID) throws(GitError) -> [ChangedPath] {
        let old = try tree(of: base)
        defer { git_tree_free(old) }
        let new = try tree(of: head)
        defer { git_tree_free(new) }
        var diff: OpaquePointer?
        try check("git_diff_tree_to_tree", git_diff_tree_to_tree(&diff, handle, old, new, nil))
        defer { git_diff_free(diff) }
        return try deltas(of: diff)
    }

    /// The paths in which the working tree (untracked files included) differs from `base`.
    public func changedPathsInWorkingTree(from base: ObjectID) throws(GitError) -> [ChangedPath] {
        let old = try tree(of: base)
        defer { git_tree_free(old) }
        var options = git_diff_options()
        try check("git_diff_options_init", git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)))
        options.flags = GIT_DIFF_INCLUDE_UNTRACKED.rawValue | GIT_DIFF_RECURSE_UNTRACKED_DIRS.rawValue
        var diff: OpaquePointer?
        try check("git_diff_tree_to_workdir_with_index",
                  git_diff_tree_to_workdir_with_index(&diff, handle, old, &options))
        defer { git_diff_free(diff) }
        return try deltas(of: diff)
    }

    private func deltas(of diff: OpaquePointer?) throws(GitError) -> [ChangedPath] {
        var find = git_diff_find_options()
        try check("git_diff_find_options_init", git_diff_find_options_init(&find, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)))
        find.flags = GIT_DIFF_FIND_RENAMES.rawValue | GIT_DIFF_FIND_FOR_UNTRACKED.rawValue
        try check("git_diff_find_similar", git_diff_find_similar(diff, &find))
        var changes: [ChangedPath] = []
        for index in 0..<git_diff_num_deltas(diff) {
            guard let delta = git_diff_get_delta(diff, index)?.pointee else { continue }
            let newPath = delta.new_file.path.map { String(cString: $0) } ?? ""
            let oldPath = delta.old_file.path.map { String(cString: $0) } ?? newPath
            let kind: ChangedPath.Kind
            switch delta.status {
            case GIT_DELTA_ADDED, GIT_DELTA_UNTRACKED: kind = .added
            case GIT_DELTA_DELETED: kind = .deleted
            case GIT_DELTA_RENAMED: kind = .renamed
            case GIT_DELTA_COPIED: kind = .copied
            case GIT_DELTA_TYPECHANGE: kind = .typeChanged
            case GIT_DELTA_MODIFIED: kind = .modified
            default: continue
            }
            let path = kind == .deleted ? oldPath : newPath
            changes.append(ChangedPath(kind: kind, path: path,
                                       oldPath: kind == .renamed || kind == .copied ? oldPath : nil))
        }
        return changes
    }
}
