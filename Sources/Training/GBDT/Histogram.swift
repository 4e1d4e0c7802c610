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

    /// The histograms of two features in one pass over the rows, each summed in the same order
    /// as `init(bins:column:rows:orderedPairs:)` sums it, so the results are the same bits.
    static func two(bins: (Int, Int), columns: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>), rows: UnsafeBufferPointer<Int32>,
                    orderedPairs: UnsafeBufferPointer<Float>) -> [Histogram] {
        var a = [Double](repeating: 0, count: bins.0 * 2), b = [Double](repeating: 0, count: bins.1 * 2)
        a.withUnsafeMutableBufferPointer { sa in
            b.withUnsafeMutableBufferPointer { sb in
                let ca = columns.0, cb = columns.1
                if rows.count == ca.count {
                    for i in 0..<rows.count {
                        let g = Double(orderedPairs[2 * i]), h = Double(orderedPairs[2 * i + 1])
                        let x = Int(ca[i]), y = Int(cb[i])
                        sa[2 * x] += g
                        sa[2 * x + 1] += h
                        sb[2 * y] += g
                        sb[2 * y + 1] += h
                    }
                } else {
                    for i in 0..<rows.count {
                        let r = Int(rows[i])
                        let g = Double(orderedPairs[2 * i]), h = Double(orderedPairs[2 * i + 1])
                        let x = Int(ca[r]), y = Int(cb[r])
                        sa[2 * x] += g
                        sa[2 * x + 1] += h
                        sb[2 * y] += g
                        sb[2 * y + 1] += h
                    }
                }
            }
        }
        return [Histogram(sums: a), Histogram(sums: b)]
    }

    /// From interleaved gradient/hessian sums.
    private init(sums: [Double]) {
        gradient = stride(from: 0, to: sums.count, by: 2).map { sums[$0] }
        hessian = stride(from: 1, to: sums.count, by: 2).map { sums[$0] }
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
