import GitRepository

/// Files as one side of the comparison holds them: a commit's tree, or the working tree.
struct RevisionSnapshot {
    enum Source { case commit(ObjectID), workingTree }

    let repository: Repository
    let source: Source
    /// What the user named (`origin/main`, `HEAD`, `worktree`).
    let revision: String
    let commit: ObjectID

    /// `path` at this side, LFS pointers followed; nil when absent.
    func read(_ path: String) throws(GateError) -> [UInt8]? {
        do {
            switch source {
            case .commit(let id): return try repository.readFile(path, at: id)
            case .workingTree: return try repository.readWorkingFile(path)
            }
        } catch {
            throw .git(error)
        }
    }

    /// The file on disk that holds `path` at this side (its Git LFS object, or the working-tree
    /// file), without reading it; nil for content only in git's object database.
    /// - Returns: its path, size, and content id when it has one (an LFS object's).
    func diskFile(_ path: String) throws(GateError) -> (path: String, size: Int, id: String?)? {
        do {
            switch source {
            case .commit(let id): return try repository.diskFile(path, at: id).map { ($0.path, $0.size, $0.id) }
            case .workingTree: return try repository.workingDiskFile(path)
            }
        } catch {
            throw .git(error)
        }
    }

    /// A content id of `path` at this side without hashing its bytes: its blob id at a commit
    /// (an LFS file's pointer names its content too); nil in the working tree, whose files have none.
    func contentID(_ path: String) throws(GateError) -> String? {
        guard case .commit(let id) = source else { return nil }
        do { return try repository.objectID(of: path, at: id)?.hex } catch { throw .git(error) }
    }

    /// How messages name this side.
    var label: String { "\(revision) (\(commit.short.prefix(8)))" }
}
