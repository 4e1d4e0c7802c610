import Foundation
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

    /// A data file at this side: git's (LFS pointers followed), or the DVC cache's copy of the
    /// content a DVC pointer at this side names; nil when neither has it.
    func readData(_ path: String) throws(GateError) -> [UInt8]? {
        if let bytes = try read(path) { return bytes }
        guard let tracked = try dvc(path) else { return nil }
        guard let data = FileManager.default.contents(atPath: tracked.path) else {
            throw .usage("cannot read \(tracked.path), the DVC cache's copy of \(path); check its permissions")
        }
        return [UInt8](data)
    }

    /// The file on disk that holds `path` at this side (its Git LFS object, the working-tree
    /// file, or the DVC cache's copy), without reading it; nil for content only in git's
    /// object database.
    /// - Returns: its path, size, and content id when it has one (an LFS object's, a DVC hash).
    func diskFile(_ path: String) throws(GateError) -> (path: String, size: Int, id: String?)? {
        do {
            switch source {
            case .commit(let id):
                if let file = try repository.diskFile(path, at: id) { return (file.path, file.size, file.id) }
                if try repository.objectID(of: path, at: id) != nil { return nil }
            case .workingTree:
                if let file = try repository.workingDiskFile(path) { return file }
                if try repository.readWorkingFile(path) != nil { return nil }
            }
        } catch {
            throw .git(error)
        }
        return try dvc(path).map { ($0.path, $0.size, $0.id) }
    }

    /// A content id of `path` at this side without hashing its bytes: its blob id at a commit
    /// (an LFS file's pointer names its content too), or the MD5 a DVC pointer names; nil in the
    /// working tree, whose files have none.
    func contentID(_ path: String) throws(GateError) -> String? {
        guard case .commit(let id) = source else {
            // A working-tree file is its own content, whatever a pointer beside it says (it may
            // be edited and not yet `dvc add`ed): only an absent one is the pointer's.
            let present = repository.workingDirectory.map { FileManager.default.fileExists(atPath: $0 + path) } ?? false
            return present ? nil : try dvc(path)?.id
        }
        do {
            if let blob = try repository.objectID(of: path, at: id)?.hex { return blob }
        } catch {
            throw .git(error)
        }
        return try dvc(path)?.id
    }

    /// What DVC tracks at `path` at this side, read from this side's pointers.
    private func dvc(_ path: String) throws(GateError) -> DVCTracking.Content? {
        guard let root = repository.workingDirectory else { return nil }
        let snapshot = self
        return try DVCTracking(root: root, read: { (file: String) throws(GateError) in try snapshot.read(file) }, revision: label).resolve(path)
    }

    /// How messages name this side.
    var label: String { "\(revision) (\(commit.short.prefix(8)))" }
}
