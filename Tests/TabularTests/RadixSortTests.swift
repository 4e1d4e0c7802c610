import Testing
@testable import Tabular

@Suite struct RadixSortTests {
    /// The order a metric's sort needs: ascending, ties in position order, −0 equal to +0 —
    /// a stable sort of the positions by `<`, on values with many ties, negatives, infinities
    /// and subnormals, at sizes where some radix passes are skipped and where none is.
    @Test(arguments: [1, 2, 255, 4_096, 70_001])
    func ascendingOrderIsTheStableSortsOrder(count: Int) {
        var rng = SystemRandomNumberGenerator()
        let specials: [Double] = [0, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, 1, -1, 0.5]
        let values: [Double] = (0..<count).map { i in
            switch i % 4 {
            case 0: specials[Int.random(in: 0..<specials.count, using: &rng)]
            case 1: Double(Int.random(in: -20...20, using: &rng)) / 8   // ties
            default: Double.random(in: -1e6...1e6, using: &rng)
            }
        }
        let expected = values.indices.sorted { values[$0] < values[$1] }.map(Int32.init)
        #expect(RadixSort.ascendingOrder(values) == expected)
    }

    /// Probabilities in [0, 1]: their keys share high digits, so those passes are skipped.
    @Test func scoresBetweenZeroAndOneKeepTheirTiesInPositionOrder() {
        let values = (0..<10_000).map { Double(($0 * 7_919) % 1_000) / 1_000 }
        #expect(RadixSort.ascendingOrder(values) == values.indices.sorted { values[$0] < values[$1] }.map(Int32.init))
    }

    @Test func aNaNHasNoOrder() {
        #expect(RadixSort.ascendingOrder([0.2, .nan, 0.1]) == nil)
        #expect(RadixSort.ascendingOrder([]) == [])
    }
}
