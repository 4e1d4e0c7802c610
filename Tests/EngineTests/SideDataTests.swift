import Foundation
import GateKit
import Tabular
import Testing

/// A side's files read once, on first use or ahead of it, whichever thread asks.
@Suite struct SideDataTests {
    /// Counts reads; each takes a while, so that askers overlap with it.
    final class Reads: @unchecked Sendable {
        private let lock = NSLock()
        private var counts: [String: Int] = [:]
        func record(_ key: String) { lock.withLock { counts[key, default: 0] += 1 } }
        func count(_ key: String) -> Int { lock.withLock { counts[key] ?? 0 } }
    }

    static func table(_ text: String) -> Table {
        try! TableReader.read(Array("x\n\(text)\n".utf8), path: "t.csv")
    }

    @Test func aPrefetchedFileIsReadOnceAndWaitedFor() {
        let reads = Reads()
        let data = SideData(reading: ["train", "holdout"], already: ["predictions": Self.table("9")]) { key in
            reads.record(key)
            Thread.sleep(forTimeInterval: 0.5)
            return key == "holdout" ? Self.table("1") : nil
        }
        data.prefetch("holdout")
        // Askers on several threads, some before the prefetch's read ends: one read, one table.
        let tables = Parallel.map(4, jobs: 4) { _ in data.table("holdout")?.rowCount }
        #expect(tables == [1, 1, 1, 1])
        #expect(reads.count("holdout") == 1)
        // A file given up front is handed out while another is read; a file the side lacks is nil.
        data.prefetch("train")
        #expect(data.table("predictions")?.rowCount == 1)
        #expect(!data.isRead("train"))   // still being read: the given file did not wait for it
        #expect(data.table("train") == nil && reads.count("train") == 1)
        data.prefetch("train")
        #expect(reads.count("train") == 1)
        #expect(data.isRead("holdout") && data.isRead("train"))
    }
}
