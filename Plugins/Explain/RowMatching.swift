import GateKit

/// The rows of one file at the baseline and at head, matched by content: a row is kept when
/// head has a row with the same values in the columns both sides have (renamed columns under
/// their new names), added when only head has it, removed when only the baseline did. Matching
/// counts duplicates: two identical rows at the baseline and one at head are one kept and one
/// removed. Order does not matter, so a PR that sorts or reorders a file changes nothing here.
///
/// An added and a removed row that differ in one column only are one edited row: relabelled
/// when that column is the target. The target is tried first, then each other column; when
/// more than `editSearchLimit` rows are unmatched, only the target is tried, so the cost stays
/// rows × columns.
struct RowMatching {
    struct Edit {
        let head: Int
        let baseline: Int
        /// The column that differs, as head names it.
        let column: String
    }

    static let editSearchLimit = 200_000

    /// Row indices at head with no match at the baseline.
    let added: [Int]
    /// Row indices at the baseline with no match at head.
    let removed: [Int]
    /// Matched rows: their indices at head and at the baseline, in head's order.
    let keptHead: [Int]
    let keptBaseline: [Int]
    /// Columns compared, as head names them (baseline name when renamed).
    let columns: [(head: String, baseline: String)]
    /// Each head row's content key, for choosing rows by content.
    let headKeys: [UInt64]
    /// Rows edited in one column, in head's order.
    let edited: [Edit]

    /// Exact counts when the tables are samples of files too large for memory, and every row's
    /// fingerprint came from a streaming pass (`nil` when the tables are the whole files).
    let exact: (kept: Int, added: Int, removed: Int)?

    /// The columns both tables have, as head names them and as the baseline does.
    static func commonColumns(baseline: Table, head: Table, renames: [RenameDetection.Rename]) -> [(head: String, baseline: String)] {
        let renamed = Dictionary(renames.map { ($0.new, $0.old) }, uniquingKeysWith: { a, _ in a })
        let baselineNames = Set(baseline.columnNames)
        return head.columnNames.compactMap { name in
            let old = renamed[name] ?? name
            return baselineNames.contains(old) ? (name, old) : nil
        }
    }

    /// Samples of two files too large for memory, with every row's fingerprint over
    /// `commonColumns` from a streaming pass: counts are exact; a sampled row is kept when the
    /// other file holds its fingerprint, else added (removed). Edits are not told apart.
    init(baselineSample baseline: Table, headSample head: Table, renames: [RenameDetection.Rename],
         baselineFingerprints: [UInt64], headFingerprints: [UInt64]) {
        columns = Self.commonColumns(baseline: baseline, head: head, renames: renames)
        let kept = Self.match(headFingerprints, baselineFingerprints).count
        exact = (kept, headFingerprints.count - kept, baselineFingerprints.count - kept)
        let headKeys = RowHashing.hashes(head, columns: columns.map(\.head))
        let baselineKeys = RowHashing.hashes(baseline, columns: columns.map(\.baseline))
        self.headKeys = headKeys
        let inBaseline = baselineFingerprints.sorted(), inHead = headFingerprints.sorted()
        added = headKeys.indices.filter { !Self.contains(inBaseline, headKeys[$0]) }
        keptHead = headKeys.indices.filter { Self.contains(inBaseline, headKeys[$0]) }
        removed = baselineKeys.indices.filter { !Self.contains(inHead, baselineKeys[$0]) }
        keptBaseline = baselineKeys.indices.filter { Self.contains(inHead, baselineKeys[$0]) }
        edited = []
    }

    init(baseline: Table, head: Table, renames: [RenameDetection.Rename], target: String?) {
        columns = Self.commonColumns(baseline: baseline, head: head, renames: renames)
        exact = nil
        let headKeys = RowHashing.hashes(head, columns: columns.map(\.head))
        let baselineKeys = RowHashing.hashes(baseline, columns: columns.map(\.baseline))
        self.headKeys = headKeys
        // Sorted by (key, row) and walked together (`match`): n log n, no hash table per row.
        let kept = Self.match(headKeys, baselineKeys).sorted { $0.0 < $1.0 }
        var added = Self.unmatched(headKeys.count, kept.map(\.0)), removed = Self.unmatched(baselineKeys.count, kept.map(\.1))
        // Edits: an added and a removed row equal in every column but one.
        var edits: [Edit] = []
        let columns = self.columns
        let order = columns.filter { $0.head == target } + (added.count + removed.count <= Self.editSearchLimit ? columns.filter { $0.head != target } : [])
        for column in order where !added.isEmpty && !removed.isEmpty && columns.count > 1 {
            let others = columns.filter { $0.head != column.head }
            let headKeys = RowHashing.hashes(head.rows(added), columns: others.map(\.head))
            let baselineKeys = RowHashing.hashes(baseline.rows(removed), columns: others.map(\.baseline))
            let pairs = Self.match(headKeys, baselineKeys)
            guard !pairs.isEmpty else { continue }
            for (h, b) in pairs { edits.append(Edit(head: added[h], baseline: removed[b], column: column.head)) }
            added = Self.unmatched(added.count, pairs.map(\.0)).map { added[$0] }
            removed = Self.unmatched(removed.count, pairs.map(\.1)).map { removed[$0] }
        }
        edited = edits.sorted { $0.head < $1.head }
        self.added = added.sorted()
        self.removed = removed.sorted()
        keptHead = kept.map(\.0)
        keptBaseline = kept.map(\.1)
    }

    /// The indices in 0..<count that `matched` does not hold, ascending.
    static func unmatched(_ count: Int, _ matched: [Int]) -> [Int] {
        var taken = [Bool](repeating: false, count: count)
        for i in matched { taken[i] = true }
        return (0..<count).filter { !taken[$0] }
    }

    static func contains(_ sorted: [UInt64], _ key: UInt64) -> Bool {
        var low = 0, high = sorted.count
        while low < high { let mid = (low + high) / 2; if sorted[mid] < key { low = mid + 1 } else { high = mid } }
        return low < sorted.count && sorted[low] == key
    }

    /// Pairs (i, j) with a[i] == b[j], each index used once: sort both and walk them together.
    static func match(_ a: [UInt64], _ b: [UInt64]) -> [(Int, Int)] {
        let aOrder = a.indices.sorted { (a[$0], $0) < (a[$1], $1) }
        let bOrder = b.indices.sorted { (b[$0], $0) < (b[$1], $1) }
        var pairs: [(Int, Int)] = []
        var i = 0, j = 0
        while i < aOrder.count, j < bOrder.count {
            let x = a[aOrder[i]], y = b[bOrder[j]]
            if x < y { i += 1 } else if y < x { j += 1 } else { pairs.append((aOrder[i], bOrder[j])); i += 1; j += 1 }
        }
        return pairs
    }
}
