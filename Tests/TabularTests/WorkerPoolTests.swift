import Testing
import Tabular

@Suite struct WorkerPoolTests {
    @Test(arguments: [1, 2, 4])
    func resultsComeBackInIndexOrderOnAnyNumberOfThreads(threads: Int) {
        let pool = WorkerPool(threads: threads)
        // Many short steps in a row, as a tree grower posts them: each must see all its indices
        // run exactly once, with results in index order, however the threads raced.
        for step in 0..<2_000 {
            let count = 1 + step % 37
            let squares = pool.map(count) { i in i * i + step }
            #expect(squares == (0..<count).map { $0 * $0 + step })
        }
        #expect(pool.map(0) { $0 }.isEmpty)
        #expect(pool.map(5, parallel: false) { "\($0)" } == ["0", "1", "2", "3", "4"])
    }

    @Test func unevenWorkIsSharedAndThePoolStopsWhenReleased() {
        var pool: WorkerPool? = WorkerPool(threads: 3)
        let sums = pool!.map(64) { i in (0..<(i % 8 == 0 ? 200_000 : 10)).reduce(0, &+) }
        #expect(sums == (0..<64).map { i in (0..<(i % 8 == 0 ? 200_000 : 10)).reduce(0, &+) })
        // Releasing the pool joins its threads: a thread that never stopped would hang the test here.
        pool = nil
    }
}
