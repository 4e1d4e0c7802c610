import Foundation
import Synchronization
import Tabular
import Testing

/// Results in index order whatever the thread count, and two sides that truly run at once.
@Suite struct ParallelTests {
    @Test(arguments: [1, 2, 4])
    func mapReturnsResultsInIndexOrder(_ jobs: Int) {
        let squares = Parallel.map(1_000, jobs: jobs) { $0 * $0 }
        #expect(squares == (0..<1_000).map { $0 * $0 })
    }

    /// Each side waits for the other to start: run one after the other, this would never end,
    /// so the wait is bounded and the test fails instead of hanging.
    @Test func sideBySideRunsBothAtOnceAndReturnsBoth() {
        let meeting = Meeting()
        let (first, second) = Parallel.sideBySide({ (meeting.meet(), "first") }, { (meeting.meet(), 2) })
        #expect(first.0 && second.0)
        #expect(first.1 == "first" && second.1 == 2)
    }

    final class Meeting: Sendable {
        let arrived = Atomic<Int>(0)

        /// True once both sides have arrived; false after 10 s alone.
        func meet() -> Bool {
            arrived.add(1, ordering: .sequentiallyConsistent)
            let deadline = ContinuousClock.now + .seconds(10)
            while arrived.load(ordering: .sequentiallyConsistent) < 2 {
                if ContinuousClock.now > deadline { return false }
                usleep(100)
            }
            return true
        }
    }

    /// A parallel loop inside one side still returns every result in order.
    @Test func loopsInsideEachSideAreWhole() {
        let (a, b) = Parallel.sideBySide({ Parallel.map(500, jobs: 2) { $0 + 1 } }, { Parallel.map(300, jobs: 2) { $0 * 2 } })
        #expect(a == (0..<500).map { $0 + 1 })
        #expect(b == (0..<300).map { $0 * 2 })
    }
}
