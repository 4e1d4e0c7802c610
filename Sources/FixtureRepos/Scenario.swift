import Crypto
import Foundation

/// A fixture scenario: `base/` (the tree on main), `head/` (files the pull request adds or
/// replaces), optional `main/` (files main gains after the branch point, so that the merge-base
/// differs from main's tip) and `scenario.json` (what the gate must conclude; `extends` names a
/// scenario whose `base/` this one reuses, `delete` paths the PR removes, `lfs` paths stored
/// as Git LFS pointers).
public struct Scenario: Sendable {
    public struct Expectation: Codable, Sendable {
        /// The process exit status `mlgate check` must end with.
        public let exit: Int32
        /// Check id → status that the JSON report must contain.
        public let checks: [String: String]
    }

    struct Manifest: Codable {
        let description: String
        let expect: Expectation
        let delete: [String]?
        let lfs: [String]?
        /// Another scenario whose `base/` this one starts from (its own `base/` overlays it).
        let extends: String?
    }

    public let name: String
    public let directory: URL
    public let description: String
    public let expect: Expectation
    let delete: [String]
    let lfsPaths: [String]
    let extends: String?

    /// The `fixtures/` folder of this checkout.
    public static let fixturesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures")

    /// Every scenario under `fixtures/`, sorted by name.
    public static func all() throws -> [Scenario] {
        let names = try FileManager.default.contentsOfDirectory(atPath: fixturesDirectory.path)
        return try names.sorted().compactMap { name in
            let dir = fixturesDirectory.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: dir.appendingPathComponent("scenario.json").path) else { return nil }
            return try Scenario(directory: dir)
        }
    }

    public static func named(_ name: String) throws -> Scenario {
        try Scenario(directory: fixturesDirectory.appendingPathComponent(name))
    }

    public init(directory: URL) throws {
        let data = try Data(contentsOf: directory.appendingPathComponent("scenario.json"))
        let manifest = try JSONDecoder().decode(Manifest.self, from: data)
        self.name = directory.lastPathComponent
        self.directory = directory
        self.description = manifest.description
        self.expect = manifest.expect
        self.delete = manifest.delete ?? []
        self.lfsPaths = manifest.lfs ?? []
        self.extends = manifest.extends
    }

    /// The files on main at the branch point: the extended scenario's base, then this one's.
    func baseFiles() throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        if let extends {
            files = try Scenario(directory: directory.deletingLastPathComponent().appendingPathComponent(extends)).baseFiles()
        }
        for (path, bytes) in try Self.readTree(directory.appendingPathComponent("base")) { files[path] = bytes }
        return files
    }

    /// How the built repository stores the scenario's `lfs` paths.
    public enum LFSMode: Sendable { case objectsPresent, objectsMissing }

    public struct Options: Sendable {
        public var detachedHead = false
        public var lfs = LFSMode.objectsPresent
        /// More paths to store in LFS than the scenario names (to test reading large files from disk).
        public var alsoLFS: [String] = []
        /// Paths to track with DVC instead of git: a `NAME.dvc` pointer is committed and the
        /// content put in the working tree's DVC cache, as `dvc add` and `dvc pull` leave them.
        public var dvc: [String] = []
        public var dvcLayout = DVCLayout.version3
        public init(detachedHead: Bool = false, lfs: LFSMode = .objectsPresent, alsoLFS: [String] = [], dvc: [String] = [],
                    dvcLayout: DVCLayout = .version3) {
            self.detachedHead = detachedHead
            self.lfs = lfs
            self.alsoLFS = alsoLFS
            self.dvc = dvc
            self.dvcLayout = dvcLayout
        }
    }

    /// DVC 3 keeps content under `.dvc/cache/files/md5/`, DVC 2 under `.dvc/cache/`.
    public enum DVCLayout: Sendable { case version2, version3 }

    /// What was built, with the commit ids a test may compare against.
    public struct Built: Sendable {
        public let path: String
        public let baseCommit: String
        public let headCommit: String
        public let mainTip: String
    }

    /// Builds the scenario as a real repository at `path`: `main` holds base (then main/ if
    /// present), `feature` holds base + head, `origin/main` and `origin/HEAD` mirror main,
    /// `v1.0` tags the branch point, and HEAD is `feature` with its files checked out.
    public func build(at path: String, options: Options = Options()) throws -> Built {
        let writer = try RepoWriter(initializingAt: path)
        let baseFiles = try self.baseFiles()
        var cache: [(md5: String, content: [UInt8])] = []
        let base = try commitStoringLFS(baseFiles, writer: writer, options: options, message: "base", parents: [], branch: "main", pendingCache: &cache)
        try writer.setReference("refs/tags/v1.0", to: base)

        var headFiles = baseFiles
        for (path, bytes) in try Self.readTree(directory.appendingPathComponent("head")) { headFiles[path] = bytes }
        for path in delete { headFiles[path] = nil }
        let head = try commitStoringLFS(headFiles, writer: writer, options: options, message: "pull request", parents: [base], branch: "feature",
                                        pendingCache: &cache)

        var mainTip = base
        let mainOverlay = try Self.readTree(directory.appendingPathComponent("main"))
        if !mainOverlay.isEmpty {
            var files = baseFiles
            for (path, bytes) in mainOverlay { files[path] = bytes }
            mainTip = try commitStoringLFS(files, writer: writer, options: options, message: "main moves on", parents: [base], branch: "main",
                                        pendingCache: &cache)
        }

        try writer.addRemote("origin", url: path)
        try writer.setReference("refs/remotes/origin/main", to: mainTip)
        try writer.setSymbolicReference("refs/remotes/origin/HEAD", to: "refs/remotes/origin/main")
        try writer.setUpstream(of: "feature", to: "origin/main")
        if options.detachedHead {
            try writer.checkout(detachedAt: head)
        } else {
            try writer.checkout(branch: "feature")
        }
        for (md5, content) in cache {
            let folder = path + "/.dvc/cache" + (options.dvcLayout == .version3 ? "/files/md5/" : "/") + md5.prefix(2)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data(content).write(to: URL(fileURLWithPath: folder + "/" + md5.dropFirst(2)))
        }
        return Built(path: path, baseCommit: base, headCommit: head, mainTip: mainTip)
    }

    private func commitStoringLFS(_ files: [String: [UInt8]], writer: RepoWriter, options: Options,
                                  message: String, parents: [String], branch: String,
                                  pendingCache: inout [(md5: String, content: [UInt8])]) throws -> String {
        var stored = files
        for path in Set(lfsPaths + options.alsoLFS).sorted() {
            guard let content = files[path] else { continue }
            stored[path] = RepoWriter.lfsPointer(for: content).pointer
            if options.lfs == .objectsPresent { try writer.storeLFSObject(content) }
        }
        for path in options.dvc {
            guard let content = stored.removeValue(forKey: path) else { continue }
            let md5 = Insecure.MD5.hash(data: content).map { String(format: "%02x", $0) }.joined()
            let name = (path as NSString).lastPathComponent
            let hashLine = options.dvcLayout == .version3 ? "  hash: md5\n" : ""
            stored[path + ".dvc"] = Array("outs:\n- md5: \(md5)\n  size: \(content.count)\n\(hashLine)  path: \(name)\n".utf8)
            stored[".dvc/config"] = stored[".dvc/config"] ?? []
            stored[".dvc/.gitignore"] = Array("/config.local\n/tmp\n/cache\n".utf8)
            // Written into the cache once the checkout is done (a checkout clears untracked files).
            pendingCache.append((String(md5), content))
        }
        return try writer.commit(stored, message: message, parents: parents, branch: branch)
    }

    /// Every regular file below `root`, keyed by its path relative to `root`.
    static func readTree(_ root: URL) throws -> [String: [UInt8]] {
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { return [:] }
        var files: [String: [UInt8]] = [:]
        while let relative = enumerator.nextObject() as? String {
            let full = root.appendingPathComponent(relative).path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            files[relative] = [UInt8](try Data(contentsOf: URL(fileURLWithPath: full)))
        }
        return files
    }
}
