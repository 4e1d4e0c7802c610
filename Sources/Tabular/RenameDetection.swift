/// Columns a revision renamed: a column gone from the baseline whose values reappear, row by
/// row, under a new name at head.
///
/// Two columns are taken for one renamed when they have the same type and row count and at
/// least `minimumAgreement` of their rows hold equal values (missing equals missing), so that
/// a rename in the same PR as a few edited rows is still named as what it is. Values compare
/// by their hashes, column by column over contiguous storage.
public enum RenameDetection {
    public struct Rename: Sendable, Equatable {
        public let old: String
        public let new: String
        /// Share of rows whose values are equal.
        public let agreement: Double

        public init(old: String, new: String, agreement: Double) {
            self.old = old
            self.new = new
            self.agreement = agreement
        }
    }

    public static let minimumAgreement = 0.99

    /// Renames from `baseline` to `head`: each removed column paired with the added column it
    /// agrees with best, in the baseline's column order.
    public static func renames(from baseline: Table, to head: Table) -> [Rename] {
        let headNames = Set(head.columnNames), baseNames = Set(baseline.columnNames)
        let removed = baseline.columns.filter { !headNames.contains($0.name) }
        var added = head.columns.filter { !baseNames.contains($0.name) }
        guard !removed.isEmpty, !added.isEmpty, baseline.rowCount == head.rowCount, head.rowCount > 0 else { return [] }
        var addedHashes = added.map(valueHashes)   // once each, not once per removed column
        var found: [Rename] = []
        for old in removed {
            let oldHashes = valueHashes(old)
            var best: (index: Int, agreement: Double)?
            for (i, new) in added.enumerated() where new.kind == old.kind {
                let agreement = agreementShare(oldHashes, addedHashes[i])
                if agreement >= minimumAgreement, agreement > (best?.agreement ?? 0) { best = (i, agreement) }
            }
            if let best {
                found.append(Rename(old: old.name, new: added[best.index].name, agreement: best.agreement))
                added.remove(at: best.index)
                addedHashes.remove(at: best.index)
            }
        }
        return found
    }

    /// One hash per row of a column's value, as `RowHashing` hashes them.
    static func valueHashes(_ column: Column) -> [UInt64] {
        switch column.storage {
        case .numeric(let values): return values.map(RowHashing.valueHash)
        case .categorical(let codes, let levels):
            let levelHashes = levels.map(RowHashing.textHash)
            return codes.map { $0 < 0 ? 0x9E37_79B9_7F4A_7C15 : levelHashes[Int($0)] }
        }
    }

    static func agreementShare(_ a: [UInt64], _ b: [UInt64]) -> Double {
        var equal = 0
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                for i in 0..<a.count where a[i] == b[i] { equal += 1 }
            }
        }
        return Double(equal) / Double(a.count)
    }
}
