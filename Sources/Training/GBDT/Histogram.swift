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

    /// Rows a histogram pass takes at a time: their gradient pairs (32 KiB) stay in cache
    /// while every feature of a group adds them, instead of being read again from memory
    /// for each feature.
    static let tileRows = 4096

    /// The histograms of a group of features over `rows`, from gradient/hessian pairs already
    /// gathered into `rows`' order (LightGBM's ordered gradients). Each feature's sums run over
    /// the rows in order, whatever the group, so results never depend on how work was split.
    /// The pairs are single precision (as LightGBM's gradients), the sums double.
    static func group(bins: [Int], columns: [UnsafeBufferPointer<UInt8>], rows: UnsafeBufferPointer<Int32>,
                      orderedPairs: UnsafeBufferPointer<Float>) -> [Histogram] {
        var offsets = [0]
        for b in bins { offsets.append(offsets.last! + 2 * b) }
        var sums = [Double](repeating: 0, count: offsets.last!)
        // Every row, in order (the root without bagging): no index to follow.
        let full = rows.count == columns.first?.count
        sums.withUnsafeMutableBufferPointer { s in
            var start = 0
            while start < rows.count {
                let tile = start..<min(rows.count, start + tileRows)
                var j = 0
                while j + 1 < columns.count {
                    addTwo(s.baseAddress! + offsets[j], s.baseAddress! + offsets[j + 1], columns[j], columns[j + 1], rows, orderedPairs, tile, full)
                    j += 2
                }
                if j < columns.count { addOne(s.baseAddress! + offsets[j], columns[j], rows, orderedPairs, tile, full) }
                start = tile.upperBound
            }
        }
        return bins.indices.map { Histogram(sums: sums[offsets[$0]..<offsets[$0 + 1]]) }
    }

    /// Two features in one pass: each row's index and gradient pair are read once for both.
    @inline(__always)
    private static func addTwo(_ sa: UnsafeMutablePointer<Double>, _ sb: UnsafeMutablePointer<Double>, _ ca: UnsafeBufferPointer<UInt8>,
                               _ cb: UnsafeBufferPointer<UInt8>, _ rows: UnsafeBufferPointer<Int32>, _ pairs: UnsafeBufferPointer<Float>,
                               _ tile: Range<Int>, _ full: Bool) {
        if full {
            for i in tile {
                let g = Double(pairs[2 * i]), h = Double(pairs[2 * i + 1])
                let x = Int(ca[i]) &* 2, y = Int(cb[i]) &* 2
                sa[x] += g; sa[x + 1] += h
                sb[y] += g; sb[y + 1] += h
            }
        } else {
            for i in tile {
                let r = Int(rows[i])
                let g = Double(pairs[2 * i]), h = Double(pairs[2 * i + 1])
                let x = Int(ca[r]) &* 2, y = Int(cb[r]) &* 2
                sa[x] += g; sa[x + 1] += h
                sb[y] += g; sb[y + 1] += h
            }
        }
    }

    @inline(__always)
    private static func addOne(_ sa: UnsafeMutablePointer<Double>, _ ca: UnsafeBufferPointer<UInt8>, _ rows: UnsafeBufferPointer<Int32>,
                               _ pairs: UnsafeBufferPointer<Float>, _ tile: Range<Int>, _ full: Bool) {
        for i in tile {
            let r = full ? i : Int(rows[i])
            let x = Int(ca[r]) &* 2
            sa[x] += Double(pairs[2 * i]); sa[x + 1] += Double(pairs[2 * i + 1])
        }
    }

    /// From interleaved gradient/hessian sums.
    private init(sums: ArraySlice<Double>) {
        let first = sums.startIndex
        gradient = (0..<(sums.count / 2)).map { sums[first + 2 * $0] }
        hessian = (0..<(sums.count / 2)).map { sums[first + 2 * $0 + 1] }
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
