@testable import Engine
import FixtureRepos
import Foundation
import GateKit
import Testing

@Suite struct DirectoryCacheTests {
    @Test func storesLoadsAndStaysWithinItsLimit() throws {
        let temp = try TemporaryDirectory("cache")
        let cache = DirectoryCache(directory: URL(fileURLWithPath: temp.child("c")), limit: 2500)
        #expect(cache.load("missing") == nil)
        for i in 0..<5 {
            cache.store("k\(i)", [UInt8](repeating: UInt8(i), count: 1000))
            // Distinct modification times, so the eviction order is the store order.
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: Double(1_000_000 + i))],
                                                  ofItemAtPath: temp.child("c/k\(i).entry"))
        }
        cache.store("k5", [UInt8](repeating: 5, count: 1000))
        #expect(cache.load("k5") == [UInt8](repeating: 5, count: 1000))
        #expect(cache.load("k0") == nil && cache.load("k3") == nil)
        #expect(cache.load("k4") != nil)
    }

    /// An entry is read back only as it was written here: edited, truncated, or written under
    /// another machine's secret, it is a miss (and the work is done again), never a model.
    @Test func anEntryThatWasTamperedWithIsAMiss() throws {
        let temp = try TemporaryDirectory("cache")
        let cache = DirectoryCache(directory: URL(fileURLWithPath: temp.child("c")))
        cache.store("model", Array("the real model".utf8))
        #expect(cache.load("model") == Array("the real model".utf8))
        let file = temp.child("c/model.entry")
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        bytes[bytes.count - 1] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        #expect(cache.load("model") == nil, "an edited entry")
        try Data(bytes.prefix(20)).write(to: URL(fileURLWithPath: file))
        #expect(cache.load("model") == nil, "a truncated entry")
        // A well-formed entry from another cache (another secret) planted under this key.
        let other = DirectoryCache(directory: URL(fileURLWithPath: temp.child("other")))
        other.store("model", Array("a weak model".utf8))
        try FileManager.default.removeItem(atPath: file)
        try FileManager.default.copyItem(atPath: temp.child("other/model.entry"), toPath: file)
        #expect(cache.load("model") == nil, "an entry made under another secret")
        // The secret is its owner's alone.
        let mode = try FileManager.default.attributesOfItem(atPath: temp.child("c/.secret"))[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    /// An entry read ahead (`prefetch`) loads as it would have: the same bytes, and a miss for a
    /// damaged entry or none at all.
    @Test func anEntryReadAheadLoadsTheSame() throws {
        let temp = try TemporaryDirectory("cache")
        let disk = DirectoryCache(directory: URL(fileURLWithPath: temp.child("c")))
        let big = (0..<(20 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        disk.store("profile", big)
        disk.store("damaged", [1, 2, 3])
        let file = temp.child("c/damaged.entry")
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        bytes[0] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let cache = LayeredCache(disk: disk)
        for key in ["profile", "damaged", "absent"] { cache.prefetch(key) }
        #expect(cache.load("profile") == big)
        #expect(cache.load("damaged") == nil && cache.load("absent") == nil)
        #expect(cache.load("profile") == big)   // again, from disk: the read-ahead copy is not kept
    }

    @Test func followsXDGThenHome() {
        #expect(DirectoryCache.standard(environment: ["XDG_CACHE_HOME": "/x", "HOME": "/h"])?.directory.path == "/x/mlgate")
        #expect(DirectoryCache.standard(environment: ["HOME": "/h"])?.directory.path == "/h/.cache/mlgate")
        #expect(DirectoryCache.standard(environment: [:]) == nil)
    }

    @Test func aCacheThatCannotWriteIsEmptyNotAnError() {
        let cache = DirectoryCache(directory: URL(fileURLWithPath: "/proc/mlgate-test"))
        cache.store("k", [1, 2, 3])
        #expect(cache.load("k") == nil)
    }

    @Test func keysAreStableDigests() {
        #expect(CacheKey.digest("a") == CacheKey.digest("a"))
        #expect(CacheKey.digest("a") != CacheKey.digest("b") && CacheKey.digest("a").count == 64)
    }
}
