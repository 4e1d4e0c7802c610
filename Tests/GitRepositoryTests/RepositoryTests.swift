import FixtureRepos
import Foundation
import GitRepository
import Testing

/// Reads real repositories built by libgit2 from `fixtures/`.
@Suite struct RepositoryTests {
    let temp: TemporaryDirectory
    let built: Scenario.Built
    let repository: Repository

    init() throws {
        temp = try TemporaryDirectory("repo")
        built = try Scenario.named("clean").build(at: temp.child("repo"))
        repository = try Repository.discover(from: built.path)
    }

    /// Which commit of the built scenario a revision form must name.
    enum Expected: Sendable { case base, head, mainTip }

    func commit(_ expected: Expected) -> String {
        switch expected {
        case .base: built.baseCommit
        case .head: built.headCommit
        case .mainTip: built.mainTip
        }
    }

    @Test(arguments: [
        ("main", Expected.mainTip), ("feature", .head), ("origin/main", .mainTip),
        ("refs/remotes/origin/main", .mainTip), ("origin/HEAD", .mainTip), ("v1.0", .base),
        ("HEAD", .head), ("HEAD~1", .base), ("HEAD^", .base), ("feature~1", .base),
        ("@{upstream}", .mainTip), ("feature@{u}", .mainTip),
    ])
    func resolvesEveryRevisionForm(spec: String, expected: Expected) throws {
        #expect(try repository.resolve(spec).hex == commit(expected))
    }

    @Test func resolvesFullAndShortCommitIDs() throws {
        #expect(try repository.resolve(built.baseCommit).hex == built.baseCommit)
        #expect(try repository.resolve(String(built.baseCommit.prefix(7))).hex == built.baseCommit)
    }

    @Test(arguments: ["no-such-branch", "origin/nope", "v9.9", "deadbeefdeadbeef", "HEAD~50", "main@{upstream}", "a..b^^{"])
    func namesUnknownRevisions(spec: String) {
        #expect(throws: GitError.unknownRevision(spec, shallow: false)) { try repository.resolve(spec) }
        let message = GitError.unknownRevision(spec, shallow: false).description
        #expect(message.contains("'\(spec)'") && message.contains("@{upstream}"))
    }

    @Test func mergeBaseIsTheBranchPointNotMainsTip() throws {
        let main = try repository.resolve("origin/main"), head = try repository.resolve("HEAD")
        #expect(main.hex != built.baseCommit)
        #expect(try repository.mergeBase(main, head, names: ("origin/main", "HEAD")).hex == built.baseCommit)
    }

    @Test func readsFilesAtARevisionWithoutCheckout() throws {
        let base = try repository.resolve("v1.0"), main = try repository.resolve("main")
        let readmeAtBase = try #require(try repository.readFile("README.md", at: base))
        let readmeAtMain = try #require(try repository.readFile("README.md", at: main))
        #expect(String(decoding: readmeAtBase, as: UTF8.self).contains("judged on data/holdout.csv"))
        #expect(String(decoding: readmeAtMain, as: UTF8.self).contains("Main gained this line"))
        #expect(try repository.readFile("data/missing.csv", at: base) == nil)
        #expect(try repository.readFile("data", at: base) == nil)
        let onDisk = try Data(contentsOf: URL(fileURLWithPath: built.path + "/data/train.csv"))
        #expect(try repository.readFile("data/train.csv", at: repository.resolve("HEAD")) == [UInt8](onDisk))
    }

    @Test func listsChangedPaths() throws {
        let changes = try repository.changedPaths(from: repository.resolve("v1.0"), to: repository.resolve("HEAD"))
        #expect(changes == [ChangedPath(kind: .modified, path: "data/train.csv")])
    }

    @Test func detectsRenames() throws {
        let writer = try RepoWriter(initializingAt: temp.child("renames"))
        let content = Array(String(repeating: "a,b,c\n1,2,3\n", count: 50).utf8)
        let first = try writer.commit(["old/data.csv": content, "keep.txt": [1]], message: "one", parents: [], branch: "main")
        let second = try writer.commit(["new/data.csv": content, "keep.txt": [1], "added.txt": [2]], message: "two", parents: [first], branch: "main")
        let repo = try Repository.discover(from: writer.path)
        let changes = try repo.changedPaths(from: repo.resolve(first), to: repo.resolve(second))
        #expect(Set(changes) == [ChangedPath(kind: .renamed, path: "new/data.csv", oldPath: "old/data.csv"),
                                 ChangedPath(kind: .added, path: "added.txt")])
    }

    @Test func discoversTheRepositoryFromASubdirectory() throws {
        let nested = try Repository.discover(from: built.path + "/data")
        #expect(try nested.resolve("HEAD").hex == built.headCommit)
        #expect(nested.workingDirectory == built.path + "/")
    }

    @Test func saysWhenAFolderIsNotARepository() throws {
        let plain = temp.child("plain")
        try FileManager.default.createDirectory(atPath: plain, withIntermediateDirectories: true)
        #expect(throws: GitError.notARepository(path: plain)) { try Repository.discover(from: plain) }
    }

    @Test func readsTheWorkingTreeAndItsChanges() throws {
        try Data("changed,columns\n1,2\n".utf8).write(to: URL(fileURLWithPath: built.path + "/data/train.csv"))
        try Data("new\n".utf8).write(to: URL(fileURLWithPath: built.path + "/notes.txt"))
        #expect(try repository.readWorkingFile("data/train.csv") == Array("changed,columns\n1,2\n".utf8))
        #expect(try repository.readWorkingFile("data") == nil)
        let changes = try repository.changedPathsInWorkingTree(from: repository.resolve("v1.0"))
        #expect(Set(changes.map(\.path)) == ["data/train.csv", "notes.txt"])
    }

    @Test func opensALinkedWorktree() throws {
        let writer = try RepoWriter(initializingAt: temp.child("wt-main"))
        let first = try writer.commit(["a.txt": Array("main\n".utf8)], message: "one", parents: [], branch: "main")
        try writer.commit(["a.txt": Array("topic\n".utf8)], message: "two", parents: [first], branch: "topic")
        try writer.checkout(branch: "main")
        try writer.addWorktree(named: "topic", at: temp.child("wt-topic"), branch: "topic")
        let repo = try Repository.discover(from: temp.child("wt-topic"))
        #expect(try repo.readWorkingFile("a.txt") == Array("topic\n".utf8))
        #expect(try repo.readFile("a.txt", at: repo.resolve("main")) == Array("main\n".utf8))
        #expect(repo.commonDirectory.hasPrefix(temp.child("wt-main")))
        #expect(try repo.mergeBase(repo.resolve("main"), repo.resolve("HEAD"), names: ("main", "HEAD")).hex == first)
    }

    @Test func detachedHeadIsReadLikeABranch() throws {
        let detached = try Scenario.named("clean").build(at: temp.child("detached"), options: .init(detachedHead: true))
        let repo = try Repository.discover(from: detached.path)
        #expect(repo.isHeadDetached)
        #expect(try repo.resolve("HEAD").hex == detached.headCommit)
    }
}

@Suite struct BaseResolutionTests {
    @Test func ordersCandidatesAsTheSpecSays() {
        #expect(BaseResolution.candidates(environment: [:]) == ["origin/HEAD", "origin/main", "main", "master"])
        #expect(BaseResolution.candidates(environment: ["GITHUB_BASE_REF": "release", "CI_MERGE_REQUEST_DIFF_BASE_SHA": "abc"])
            == ["origin/release", "abc", "origin/HEAD", "origin/main", "main", "master"])
        #expect(BaseResolution.candidates(environment: ["GITHUB_BASE_REF": ""]).first == "origin/HEAD")
    }

    @Test func picksTheFirstCandidateThatExists() throws {
        let temp = try TemporaryDirectory("base")
        let built = try Scenario.named("clean").build(at: temp.child("repo"))
        let repo = try Repository.discover(from: built.path)
        #expect(try BaseResolution.resolve(in: repo, environment: [:]).rev == "origin/HEAD")
        let github = try BaseResolution.resolve(in: repo, environment: ["GITHUB_BASE_REF": "main"])
        #expect(github.rev == "origin/main" && github.commit.hex == built.mainTip)
        let gitlab = try BaseResolution.resolve(in: repo, environment: ["CI_MERGE_REQUEST_DIFF_BASE_SHA": built.baseCommit])
        #expect(gitlab.rev == built.baseCommit)
        // A CI variable that names nothing is an error, never a silent fallback to a local branch.
        #expect(throws: GitError.unknownRevision("origin/release", shallow: false)) {
            try BaseResolution.resolve(in: repo, environment: ["GITHUB_BASE_REF": "release"])
        }
    }

    @Test func fallsBackToLocalMainThenMaster() throws {
        let temp = try TemporaryDirectory("base")
        let writer = try RepoWriter(initializingAt: temp.child("local"))
        let root = try writer.commit(["a": [1]], message: "root", parents: [], branch: "master")
        var repo = try Repository.discover(from: writer.path)
        #expect(try BaseResolution.resolve(in: repo, environment: [:]).rev == "master")
        try writer.commit(["a": [2]], message: "main", parents: [root], branch: "main")
        repo = try Repository.discover(from: writer.path)
        #expect(try BaseResolution.resolve(in: repo, environment: [:]).rev == "main")
        try writer.setReference("refs/remotes/origin/main", to: root)
        repo = try Repository.discover(from: writer.path)
        #expect(try BaseResolution.resolve(in: repo, environment: [:]).rev == "origin/main")
    }

    @Test func saysWhichCandidatesWereTried() throws {
        let temp = try TemporaryDirectory("base")
        let writer = try RepoWriter(initializingAt: temp.child("none"))
        try writer.commit(["a": [1]], message: "root", parents: [], branch: "trunk")
        let repo = try Repository.discover(from: writer.path)
        #expect(throws: GitError.noDefaultBase(tried: ["origin/HEAD", "origin/main", "main", "master"], shallow: false)) {
            try BaseResolution.resolve(in: repo, environment: [:])
        }
    }
}
