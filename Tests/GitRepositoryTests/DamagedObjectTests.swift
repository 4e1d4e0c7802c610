import FixtureRepos
import Foundation
import GitRepository
import Testing

/// A damaged clone is an error naming the object, never a hang: libgit2 1.5 inflated a
/// truncated loose object forever, in revision parsing, tree walks and blob reads alike.
@Suite struct DamagedObjectTests {
    enum Damage: String, CaseIterable, CustomTestStringConvertible {
        case truncated = "truncated"
        case otherContent = "another object's content"
        var testDescription: String { rawValue }
    }

    /// The loose object file of `spec` in a fresh `clean` scenario, damaged as asked.
    func damaged(_ spec: String, _ damage: Damage, _ temp: TemporaryDirectory) throws -> (path: String, id: String) {
        let built = try Scenario.named("clean").build(at: temp.child("repo"))
        let repo = try Repository.discover(from: built.path)
        let id = try objectID(spec, in: built.path)
        let file = repo.commonDirectory + "objects/" + id.prefix(2) + "/" + id.dropFirst(2)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        switch damage {
        case .truncated: bytes = bytes.prefix(bytes.count / 2)
        case .otherContent:
            // A well-formed object of the same kind under the wrong name: its hash gives it away.
            let other = try objectID(spec == "HEAD" ? "HEAD~1" : spec.replacingOccurrences(of: "HEAD", with: "HEAD~1"), in: built.path)
            guard other != id else { return (built.path, id) }
            bytes = try Data(contentsOf: URL(fileURLWithPath: repo.commonDirectory + "objects/" + other.prefix(2) + "/" + other.dropFirst(2)))
        }
        try bytes.write(to: URL(fileURLWithPath: file))
        return (built.path, id)
    }

    /// `HEAD`, `HEAD~1`, or `REV:PATH` for a blob or tree.
    func objectID(_ spec: String, in path: String) throws -> String {
        let repo = try Repository.discover(from: path)
        let parts = spec.split(separator: ":").map(String.init)
        let commit = try repo.resolve(parts[0])
        guard parts.count == 2 else { return commit.hex }
        return try #require(try repo.objectID(of: parts[1], at: commit)).hex
    }

    /// The error of reading `data/train.csv` at HEAD in the repository at `path`, on a thread of
    /// its own: nil when the read did not end within 30 s (a hang), "" when it succeeded.
    func readingError(_ path: String) -> String? {
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Thread {
            do {
                let repo = try Repository.discover(from: path)
                _ = try repo.blob("data/train.csv", at: repo.resolve("HEAD"))
                outcome.set("")
            } catch { outcome.set("\(error)") }
            done.signal()
        }.start()
        return done.wait(timeout: .now() + 30) == .success ? outcome.value : nil
    }

    @Test(arguments: Damage.allCases)
    func aDamagedBlobIsAnErrorNamingIt(_ damage: Damage) throws {
        let temp = try TemporaryDirectory("damaged")
        let (path, id) = try damaged("HEAD:data/train.csv", damage, temp)
        let message = try #require(readingError(path), "the read did not end")
        #expect(message.contains("git object \(id.prefix(12)) is damaged"), "\(message)")
        #expect(message.contains(damage == .truncated ? "truncated" : "does not hash to its name"), "\(message)")
    }

    @Test func aTruncatedCommitOrTreeIsAnErrorNamingIt() throws {
        for spec in ["HEAD", "HEAD:data"] {
            let temp = try TemporaryDirectory("damaged")
            let (path, id) = try damaged(spec, .truncated, temp)
            let message = try #require(readingError(path), "\(spec): the read did not end")
            #expect(message.contains("git object \(id.prefix(12)) is damaged (the file is truncated)"), "\(spec): \(message)")
        }
    }

    final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: String?
        func set(_ value: String) { lock.lock(); stored = value; lock.unlock() }
        var value: String? { lock.lock(); defer { lock.unlock() }; return stored }
    }
}
