import Engine
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
        #expect(CacheKey.digest("a") != CacheKey.digest("b") && CacheKey.digest("a").count == 32)
    }
}
