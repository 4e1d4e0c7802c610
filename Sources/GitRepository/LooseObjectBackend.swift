import CLibgit2

/// An object database backend that serves loose objects through `LooseObject`, added to each
/// repository's object database ahead of libgit2's own loose backend.
///
/// libgit2 1.5 spins forever on a truncated loose object (a commit, tree or blob alike, read
/// while resolving revisions, walking to the merge-base or listing a tree). With this backend
/// every loose read ends: with the object, or with an error naming it. Packed objects are not
/// ours: a missing file answers "not found" and libgit2 asks its pack backend.
enum LooseObjectBackend {
    /// Above libgit2's loose (1) and packed (2) backends: asked first.
    static let priority: Int32 = 10

    static func install(on repository: OpaquePointer, objectsDirectory: String) throws(GitError) {
        var odb: OpaquePointer?
        try check("git_repository_odb", git_repository_odb(&odb, repository))
        defer { git_odb_free(odb) }
        let backend = UnsafeMutablePointer<mlgate_odb_backend>.allocate(capacity: 1)
        backend.initialize(to: mlgate_odb_backend())
        try check("git_odb_init_backend", git_odb_init_backend(&backend.pointee.parent, UInt32(GIT_ODB_BACKEND_VERSION)))
        backend.pointee.context = Unmanaged.passRetained(Directory(objectsDirectory)).toOpaque()
        backend.pointee.parent.read = read
        backend.pointee.parent.read_header = readHeader
        backend.pointee.parent.free = free
        let code = backend.withMemoryRebound(to: git_odb_backend.self, capacity: 1) { git_odb_add_backend(odb, $0, priority) }
        if code < 0 {
            free(UnsafeMutableRawPointer(backend).assumingMemoryBound(to: git_odb_backend.self))
            throw GitError.last("git_odb_add_backend", code)
        }
    }

    /// The objects directory, owned by the backend until libgit2 frees it.
    final class Directory {
        let path: String
        init(_ path: String) { self.path = path }
    }

    private static func directory(_ backend: UnsafeMutablePointer<git_odb_backend>?) -> String {
        let outer = UnsafeMutableRawPointer(backend!).assumingMemoryBound(to: mlgate_odb_backend.self)
        return Unmanaged<Directory>.fromOpaque(outer.pointee.context).takeUnretainedValue().path
    }

    /// The object, or GIT_ENOTFOUND when it is not loose, or an error naming the damage.
    private static func load(_ backend: UnsafeMutablePointer<git_odb_backend>?, _ oid: UnsafePointer<git_oid>?) -> Result<(type: git_object_t, content: [UInt8])?, GitError> {
        let id = ObjectID(oid!.pointee)
        do {
            guard let input = try LooseObject.file(id, objectsDirectory: directory(backend)) else { return .success(nil) }
            let object = try LooseObject.inflateObject(input, id: id)
            return .success((LooseObject.kinds[object.type]!, object.content))
        } catch {
            return .failure(error)
        }
    }

    private static func fail(_ error: GitError) -> Int32 {
        git_error_set_str(Int32(GIT_ERROR_ODB.rawValue), error.description)
        return -1
    }

    private static let read: @convention(c) (UnsafeMutablePointer<UnsafeMutableRawPointer?>?, UnsafeMutablePointer<Int>?,
                                             UnsafeMutablePointer<git_object_t>?, UnsafeMutablePointer<git_odb_backend>?,
                                             UnsafePointer<git_oid>?) -> Int32 = { out, length, type, backend, oid in
        switch load(backend, oid) {
        case .failure(let error): return fail(error)
        case .success(nil): return GIT_ENOTFOUND.rawValue
        case .success(let object?):
            guard let buffer = git_odb_backend_data_alloc(backend, max(1, object.content.count)) else { return -1 }
            object.content.withUnsafeBytes { bytes in
                if let base = bytes.baseAddress { buffer.copyMemory(from: base, byteCount: bytes.count) }
            }
            out?.pointee = buffer
            length?.pointee = object.content.count
            type?.pointee = object.type
            return 0
        }
    }

    private static let readHeader: @convention(c) (UnsafeMutablePointer<Int>?, UnsafeMutablePointer<git_object_t>?,
                                                   UnsafeMutablePointer<git_odb_backend>?, UnsafePointer<git_oid>?) -> Int32 = { length, type, backend, oid in
        // The header alone: the size of a 170 MB blob without inflating it.
        if let backend, let oid {
            let outer = UnsafeMutableRawPointer(backend).assumingMemoryBound(to: mlgate_odb_backend.self)
            let directory = Unmanaged<Directory>.fromOpaque(outer.pointee.context).takeUnretainedValue()
            do throws(GitError) {
                if let header = try LooseObject.header(ObjectID(oid.pointee), objectsDirectory: directory.path), let kind = LooseObject.kinds[header.type] {
                    length?.pointee = header.size
                    type?.pointee = kind
                    return 0
                }
            } catch {
                return fail(error)
            }
        }
        switch load(backend, oid) {
        case .failure(let error): return fail(error)
        case .success(nil): return GIT_ENOTFOUND.rawValue
        case .success(let object?):
            length?.pointee = object.content.count
            type?.pointee = object.type
            return 0
        }
    }

    private static let free: @convention(c) (UnsafeMutablePointer<git_odb_backend>?) -> Void = { backend in
        guard let backend else { return }
        let outer = UnsafeMutableRawPointer(backend).assumingMemoryBound(to: mlgate_odb_backend.self)
        Unmanaged<Directory>.fromOpaque(outer.pointee.context).release()
        outer.deinitialize(count: 1)
        outer.deallocate()
    }
}
