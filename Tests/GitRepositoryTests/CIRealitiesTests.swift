import FixtureRepos
import Foundation
import GitRepository
import Testing

/// Shallow clones and Git LFS, as CI checkouts present them.
@Suite struct CIRealitiesTests {
    @Test func readsLFSObjectsThatWerePulled() throws {
        let temp = try TemporaryDirectory("lfs")
        let built = try Scenario.named("lfs").build(at: temp.child("repo"), options: .init(lfs: .objectsPresent))
        let repo = try Repository.discover(from: built.path)
        let head = try repo.resolve("HEAD")
        let pointer = try #require(try repo.blob("data/train.csv", at: head))
        #expect(LFSPointer(pointer) != nil)
        let content = try #require(try repo.readFile("data/train.csv", at: head))
        #expect(String(decoding: content.prefix(20), as: UTF8.self) == "customer_id,age,inco")
        #expect(RepoWriter.lfsPointer(for: content).pointer == pointer)
    }

    @Test func saysToPullLFSObjectsThatAreMissing() throws {
        let temp = try TemporaryDirectory("lfs")
        let built = try Scenario.named("lfs").build(at: temp.child("repo"), options: .init(lfs: .objectsMissing))
        let repo = try Repository.discover(from: built.path)
        let blob = try #require(try repo.blob("data/train.csv", at: repo.resolve("HEAD")))
        let pointer = try #require(LFSPointer(blob))
        #expect(throws: GitError.lfsObjectMissing(path: "data/train.csv", oid: pointer.oid)) {
            try repo.readFile("data/train.csv", at: repo.resolve("HEAD"))
        }
        #expect(GitError.lfsObjectMissing(path: "data/train.csv", oid: pointer.oid).description.contains("git lfs pull"))
    }

    @Test func parsesOnlyRealLFSPointers() {
        let oid = String(repeating: "ab", count: 32)
        #expect(LFSPointer(Array("version https://git-lfs.github.com/spec/v1\noid sha256:\(oid)\nsize 12\n".utf8))
            == LFSPointer(Array("version https://git-lfs.github.com/spec/v1\noid sha256:\(oid)\nsize 12\n".utf8)))
        #expect(LFSPointer(Array("version https://git-lfs.github.com/spec/v1\noid sha256:\(oid)\nsize 12\n".utf8))?.size == 12)
        #expect(LFSPointer(Array("version https://git-lfs.github.com/spec/v1\noid sha256:xyz\nsize 12\n".utf8)) == nil)
        #expect(LFSPointer(Array("a,b\n1,2\n".utf8)) == nil)
    }

    /// libgit2 1.5 cannot make a shallow clone, so this one test asks the git command for it.
    private func shallowClone(of source: String, to destination: String, extra: [String]) throws {
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        git.arguments = ["git", "clone", "--quiet", "--depth", "1", "--no-tags"] + extra + ["file://\(source)", destination]
        git.standardError = FileHandle.nullDevice
        try git.run()
        git.waitUntilExit()
        try #require(git.terminationStatus == 0)
    }

    @Test func aShallowCloneWithoutTheBaseSaysHowToFetchIt() throws {
        let temp = try TemporaryDirectory("shallow")
        let built = try Scenario.named("clean").build(at: temp.child("origin"))
        try shallowClone(of: built.path, to: temp.child("clone"), extra: ["--branch", "feature"])
        let repo = try Repository.discover(from: temp.child("clone"))
        #expect(repo.isShallow)
        #expect(throws: GitError.unknownRevision("origin/main", shallow: true)) { try repo.resolve("origin/main") }
        #expect(GitError.unknownRevision("origin/main", shallow: true).description.contains("fetch-depth: 0"))
        #expect(throws: GitError.self) { try BaseResolution.resolve(in: repo, environment: ["GITHUB_BASE_REF": "main"]) }
    }

    @Test func aShallowCloneWithoutTheMergeBaseSaysHowToFetchIt() throws {
        let temp = try TemporaryDirectory("shallow")
        let built = try Scenario.named("clean").build(at: temp.child("origin"))
        try shallowClone(of: built.path, to: temp.child("clone"), extra: ["--no-single-branch", "--branch", "feature"])
        let repo = try Repository.discover(from: temp.child("clone"))
        let main = try repo.resolve("origin/main"), head = try repo.resolve("HEAD")
        #expect(throws: GitError.noMergeBase(base: "origin/main", head: "HEAD", shallow: true)) {
            try repo.mergeBase(main, head, names: ("origin/main", "HEAD"))
        }
        #expect(GitError.noMergeBase(base: "origin/main", head: "HEAD", shallow: true).description.contains("git fetch --unshallow"))
    }
}
