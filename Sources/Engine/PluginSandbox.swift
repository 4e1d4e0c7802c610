import Foundation
import GateKit
import GitRepository

/// Where one external plugin runs, set up so that a pull request cannot reach through it.
///
/// - Its working directory is a copy of the declaring revision's tree (the baseline's for a
///   trusted plugin), so a program, a `python3 -m` module, a `sh -c` string or a relative import
///   resolves to the reviewed files, never to head's checkout. Symbolic links are not copied, nor
///   data (Git LFS pointers, files over 8 MiB): plugins get data as read-only copies by path.
/// - Its environment is an allow-list (locale, time zone, a private HOME and TMPDIR), with a PATH
///   of absolute directories outside the repository: no CI token or cloud key reaches it, and no
///   `./python3` a PR committed can be found first.
/// - The folder is the plugin's alone (0700, removed afterwards): another plugin cannot rewrite
///   its inputs, and nothing is left readable to other users of the machine.
struct PluginSandbox {
    let folder: URL
    var tree: URL { folder.appendingPathComponent("tree") }
    var home: URL { folder.appendingPathComponent("home") }
    var temporary: URL { folder.appendingPathComponent("tmp") }

    static let copiedFileLimit = 8 << 20

    init() throws(GateError) {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("mlgate-plugin-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            for directory in [tree, home, temporary] { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
        } catch {
            throw .usage("cannot prepare a folder for an external plugin in \(FileManager.default.temporaryDirectory.path): \(error.localizedDescription)")
        }
    }

    /// Copies `commit`'s tree (programs and their modules; no links, no data) into `tree`.
    func copyTree(of repository: Repository, at commit: ObjectID) throws(GateError) {
        let files: [Repository.TreeFile]
        do { files = try repository.treeFiles(at: commit) } catch { throw .git(error) }
        for file in files where !file.symbolicLink && !file.path.split(separator: "/").contains("..") {
            let bytes: [UInt8]?
            do { bytes = try repository.blob(file.path, at: commit) } catch { throw .git(error) }
            guard let bytes, bytes.count <= Self.copiedFileLimit, LFSPointer(bytes) == nil else { continue }
            write(bytes, to: tree.appendingPathComponent(file.path), mode: file.executable ? 0o555 : 0o444)
        }
    }

    /// A read-only copy of a data file for the plugin, by `role/key/name`.
    func copyData(_ role: String, _ key: String, name: String, bytes: [UInt8]?, file: String?) -> String? {
        let target = folder.appendingPathComponent("data/\(role)/\(key)/\(name)")
        if let file {
            // A file on disk (an LFS object, a working-tree file) is copied file to file, never
            // through memory: it may be larger than memory.
            try? FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            guard (try? FileManager.default.copyItem(atPath: file, toPath: target.path)) != nil else { return nil }
            try? FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: target.path)
            return target.path
        }
        guard let bytes else { return nil }
        write(bytes, to: target, mode: 0o444)
        return target.path
    }

    /// The plugin's environment: an allow-list of the runner's, a private home, a clean PATH.
    func environment(_ runner: [String: String], repositoryRoot: String) -> [String: String] {
        var environment: [String: String] = [:]
        for key in ["LANG", "LC_ALL", "LC_CTYPE", "TZ"] { environment[key] = runner[key] }
        environment["PATH"] = Self.safePath(runner["PATH"], repositoryRoot: repositoryRoot)
        environment["HOME"] = home.path
        environment["TMPDIR"] = temporary.path
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        environment["PYTHONNOUSERSITE"] = "1"
        return environment
    }

    /// PATH without empty, relative or repository directories (which would let a committed
    /// `./python3` run in the interpreter's place).
    static func safePath(_ path: String?, repositoryRoot: String) -> String {
        let root = URL(fileURLWithPath: repositoryRoot).standardizedFileURL.path
        let entries = (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let safe = entries.filter { entry in
            guard entry.hasPrefix("/") else { return false }
            let standard = URL(fileURLWithPath: entry).standardizedFileURL.path
            return standard != root && !standard.hasPrefix(root.hasSuffix("/") ? root : root + "/")
        }
        return safe.isEmpty ? "/usr/local/bin:/usr/bin:/bin" : safe.joined(separator: ":")
    }

    private func write(_ bytes: [UInt8], to url: URL, mode: Int) {
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? Data(bytes).write(to: url)
        try? FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
    }

    /// Removes the folder (its read-only copies made writable first).
    func remove() {
        if let enumerator = FileManager.default.enumerator(atPath: folder.path) {
            while let relative = enumerator.nextObject() as? String {
                try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder.appendingPathComponent(relative).path)
            }
        }
        try? FileManager.default.removeItem(at: folder)
    }
}
