/// The seeded train/holdout split for a side without a holdout file, decided by each row's
/// content rather than its position.
///
/// A row's side is a seeded hash of its values in the key columns (the columns both models
/// read, and the target), so an unchanged row lands on the same side at the baseline and at
/// head, identical rows land together, and a pull request that removes, appends, reorders or
/// edits some rows leaves every other row where it was. A position-based split moved rows the
/// baseline model trained on into head's holdout whenever a row above them went away, and the
/// baseline then scored on rows it had memorised.
///
/// Values hash as `RowHashing` hashes them (a category by its text, "3" like 3), so a column
/// retyped between revisions, or renamed and mapped by the caller, keeps its rows in place.
public struct ContentSplit: Sendable, Equatable {
    /// One key column: its name in the baseline's table and in head's (equal unless renamed).
    public struct Key: Sendable, Equatable {
        public let baseline: String
        public let head: String
        public init(baseline: String, head: String) {
            self.baseline = baseline
            self.head = head
        }
    }

    public enum Role: Sendable { case baseline, head }

    /// Key columns, ordered by head's name so that column order in the files does not matter.
    public let keys: [Key]
    public let seed: UInt64
    /// One row in `holdoutShare` goes to the holdout.
    public static let holdoutShare: UInt64 = 5

    public init(keys: [Key], seed: UInt64) {
        self.keys = keys.sorted { $0.head < $1.head }
        self.seed = seed
    }

    /// Key columns for two sides: the columns both read (by name, or through `renames`,
    /// baseline name → head name) plus the target. `baseline` nil: head's alone.
    public static func keys(head: [String], baseline: [String]?, target: String, baselineTarget: String? = nil,
                            renames: [String: String] = [:]) -> [Key] {
        var keys = [Key(baseline: baselineTarget ?? target, head: target)]
        guard let baseline else { return keys + head.filter { $0 != target }.map { Key(baseline: $0, head: $0) } }
        let headSet = Set(head)
        for name in baseline where name != (baselineTarget ?? target) {
            let headName = renames[name] ?? name
            if headSet.contains(headName) { keys.append(Key(baseline: name, head: headName)) }
        }
        return keys
    }

    /// Each row's content fingerprint over the key columns (a missing key column hashes as missing).
    public func rowKeys(_ table: Table, role: Role) -> [UInt64] {
        RowHashing.hashes(table, columns: keys.map { role == .baseline ? $0.baseline : $0.head }, keepingAbsent: true)
    }

    /// Whether the row with content fingerprint `key` is held out.
    @inline(__always)
    public func isHoldout(_ key: UInt64) -> Bool {
        Mixing.mix64(key ^ (seed &* 0xD6E8_FEB8_6659_FD93)) % Self.holdoutShare == 0
    }

    /// The rows of `table` on each side, in file order, with every row's key (so that callers
    /// that need the keys again, to sample or to compare, do not hash the rows twice).
    public struct Sides: Sendable {
        public let train: [Int]
        public let holdout: [Int]
        /// Each row's key, by its index in the table.
        public let keys: [UInt64]

        public var trainKeys: [UInt64] { train.map { keys[$0] } }
    }

    /// The rows of `table` on each side, in file order.
    public func split(_ table: Table, role: Role) -> Sides {
        let keys = rowKeys(table, role: role)
        var train: [Int] = [], holdout: [Int] = []
        train.reserveCapacity(keys.count - keys.count / Int(Self.holdoutShare))
        holdout.reserveCapacity(keys.count / Int(Self.holdoutShare) + 1)
        for (row, key) in keys.enumerated() {
            if isHoldout(key) { holdout.append(row) } else { train.append(row) }
        }
        return Sides(train: train, holdout: holdout, keys: keys)
    }

    /// Describes the rule for reports and cache keys.
    public var description: String {
        "content split 1/\(Self.holdoutShare) over " + keys.map { $0.baseline == $0.head ? $0.head : "\($0.baseline)→\($0.head)" }.joined(separator: ",")
    }
}
