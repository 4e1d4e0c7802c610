/// Sums of gradients and hessians per bin of one feature over the rows of a leaf.
///
/// No counts: as LightGBM, rows per bin are estimated from the hessians when a split is judged
/// (`SplitFinder`), which saves the kernel a third read-modify-write per row.
struct Histogram: Sendable {
    var gradient: [Double]
    var hessian: [Double]

    init(bins: Int) {
        gradient = [Double](repeating: 0, count: bins)
        hessian = [Double](repeating: 0, count: bins)
    }

    /// Accumulates from gradient/hessian pairs already gathered into `rows`' order: the hot
    /// loop reads them sequentially and gathers only the bin of each row, in `rows`' order, so
    /// sums never depend on threads. The pairs are single
    /// precision (as LightGBM's gradients), halving the bytes the loop reads; sums are double.
    init(bins: Int, column: UnsafeBufferPointer<UInt8>, rows: UnsafeBufferPointer<Int32>, orderedPairs: UnsafeBufferPointer<Float>) {
        var sums = [Double](repeating: 0, count: bins * 2)
        sums.withUnsafeMutableBufferPointer { s in
            if rows.count == column.count {
                // Every row, in order (the root without bagging): no index to follow.
                for i in 0..<rows.count {
                    let b = Int(column[i])
                    s[2 * b] += Double(orderedPairs[2 * i])
                    s[2 * b + 1] += Double(orderedPairs[2 * i + 1])
                }
            } else {
                for i in 0..<rows.count {
                    let b = Int(column[Int(rows[i])])
                    s[2 * b] += Double(orderedPairs[2 * i])
                    s[2 * b + 1] += Double(orderedPairs[2 * i + 1])
                }
            }
        }
        gradient = (0..<bins).map { sums[2 * $0] }
        hessian = (0..<bins).map { sums[2 * $0 + 1] }
    }

    /// The reference kernel the fast one is tested against: one row at a time, no pointers,
    /// gradients rounded to single precision as the fast kernel reads them.
    static func naive(bins: Int, column: [UInt8], rows: [Int32], gradients: [Double], hessians: [Double]) -> Histogram {
        var histogram = Histogram(bins: bins)
        for r in rows {
            let b = Int(column[Int(r)])
            histogram.gradient[b] += Double(Float(gradients[Int(r)]))
            histogram.hessian[b] += Double(Float(hessians[Int(r)]))
        }
        return histogram
    }

    /// The sibling's histogram: parent − self (histogram subtraction: only the smaller child is counted).
    func subtracted(from parent: Histogram) -> Histogram {
        var sibling = parent
        for b in 0..<gradient.count {
            sibling.gradient[b] -= gradient[b]
            sibling.hessian[b] -= hessian[b]
        }
        return sibling
    }
}
