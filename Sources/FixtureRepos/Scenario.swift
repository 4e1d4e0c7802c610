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
        public init(detachedHead: Bool = false, lfs: LFSMode = .objectsPresent, alsoLFS: [String] = []) {
            self.detachedHead = detachedHead
            self.lfs = lfs
            self.alsoLFS = alsoLFS
        }
    }

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
        let base = try commitStoringLFS(baseFiles, writer: writer, options: options, message: "base", parents: [], branch: "main")
        try writer.setReference("refs/tags/v1.0", to: base)

        var headFiles = baseFiles
        for (path, bytes) in try Self.readTree(directory.appendingPathComponent("head")) { headFiles[path] = bytes }
        for path in delete { headFiles[path] = nil }
        let head = try commitStoringLFS(headFiles, writer: writer, options: options, message: "pull request", parents: [base], branch: "feature")

        var mainTip = base
        let mainOverlay = try Self.readTree(directory.appendingPathComponent("main"))
        if !mainOverlay.isEmpty {
            var files = baseFiles
            for (path, bytes) in mainOverlay { files[path] = bytes }
            mainTip = try commitStoringLFS(files, writer: writer, options: options, message: "main moves on", parents: [base], branch: "main")
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
        return Built(path: path, baseCommit: base, headCommit: head, mainTip: mainTip)
    }

    private func commitStoringLFS(_ files: [String: [UInt8]], writer: RepoWriter, options: Options,
                                  message: String, parents: [String], branch: String) throws -> String {
        var stored = files
        for path in Set(lfsPaths + options.alsoLFS).sorted() {
            guard let content = files[path] else { continue }
            stored[path] = RepoWriter.lfsPointer(for: content).pointer
            if options.lfs == .objectsPresent { try writer.storeLFSObject(content) }
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
