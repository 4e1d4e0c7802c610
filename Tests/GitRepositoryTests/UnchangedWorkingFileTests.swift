import FixtureRepos
import Foundation
import Testing
@testable import GitRepository

/// A data file at the checked-out commit is read from the working tree when git's index vouches
/// that it is the blob (size, mtime, inode, device and blob id as recorded, and not racily clean),
/// and from the object database otherwise.
@Suite struct UnchangedWorkingFileTests {
    /// The `clean` scenario checked out at its head, with the index file's mtime moved past the
    /// files' so that no entry is racily clean.
    func repository(_ temp: TemporaryDirectory) throws -> (Repository, String) {
        let built = try Scenario.named("clean").build(at: temp.child("repo"))
        let repo = try Repository.discover(from: built.path)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(60)], ofItemAtPath: repo.commonDirectory + "index")
        return (repo, built.path)
    }

    @Test func anUnchangedCheckedOutFileIsReadFromDisk() throws {
        let temp = try TemporaryDirectory("unchanged")
        let (repo, _) = try repository(temp)
        let head = try repo.resolve("HEAD")
        let fromDisk = try #require(try repo.unchangedWorkingFile("data/train.csv", at: head))
        #expect(fromDisk == (try repo.blob("data/train.csv", at: head)))
        #expect(try repo.readFile("data/train.csv", at: head) == fromDisk)
        // Another commit's file is never taken from the working tree.
        #expect(try repo.unchangedWorkingFile("data/train.csv", at: repo.resolve("HEAD~1")) == nil)
    }

    @Test func anEditedOrRacilyCleanFileIsReadFromTheObjectDatabase() throws {
        let temp = try TemporaryDirectory("unchanged")
        let (repo, path) = try repository(temp)
        let head = try repo.resolve("HEAD")
        let file = path + "/data/train.csv"
        let committed = try #require(try repo.blob("data/train.csv", at: head))
        var original = stat()
        #expect(stat(file, &original) == 0)
        func setTimes(_ path: String, _ time: timespec) {
            var times = [time, time]
            #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        }
        // The same size, other content: the file's mtime is no longer the index's.
        var edited = committed
        edited[edited.count / 2] = edited[edited.count / 2] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
        try Data(edited).write(to: URL(fileURLWithPath: file))
        #expect(try repo.unchangedWorkingFile("data/train.csv", at: head) == nil)
        #expect(try repo.readFile("data/train.csv", at: head) == committed)
        // The content and the recorded mtime restored: unchanged again, as git status would say.
        try Data(committed).write(to: URL(fileURLWithPath: file))
        setTimes(file, original.st_mtim)
        #expect(try repo.unchangedWorkingFile("data/train.csv", at: head) == committed)
        // An index no newer than the file: racily clean, so not trusted.
        setTimes(repo.commonDirectory + "index", original.st_mtim)
        #expect(try repo.unchangedWorkingFile("data/train.csv", at: head) == nil)
    }
}
