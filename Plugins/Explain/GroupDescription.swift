import GateKit

/// What sets a group of rows (the rows a PR added, or removed) apart from the rows it kept, in
/// words: for each column, the condition on it that holds for the largest share of the group
/// beyond its share of the kept rows — a category (`payment = cash`), a missing value
/// (`no payment`), or a side of a threshold (`fare ≤ 0`, the thresholds being the group's own
/// extremes and the kept rows' deciles) — and the columns whose condition stands out most.
struct GroupDescription {
    struct Condition {
        let column: String
        let text: String
        /// Rows of the group it holds for, and its share of the group and of the kept rows.
        let count: Int
        let groupShare: Double
        let keptShare: Double
        /// groupShare − keptShare: how much it sets the group apart.
        var lift: Double { groupShare - keptShare }
    }

    /// The conditions that set the group apart most, strongest first (lift ≥ `minimumLift`).
    let conditions: [Condition]
    let groupRows: Int

    static let minimumLift = 0.2

    /// What the group is compared with: "kept rows", or, when the PR kept none, the other group.
    let reference: String

    /// - Parameters:
    ///   - group, kept: row indices of the two sets, in `groupTable` and `keptTable`.
    ///   - columns: the columns to describe by, as each table names them.
    init(group: [Int], in groupTable: Table, kept: [Int], in keptTable: Table, columns: [(group: String, kept: String)],
         reference: String = "kept rows", limit: Int = 2) {
        groupRows = group.count
        self.reference = reference
        var found: [Condition] = []
        for (name, keptName) in columns where !group.isEmpty && !kept.isEmpty {
            guard let g = groupTable.column(name), let k = keptTable.column(keptName) else { continue }
            if let best = Self.best(name, group: group, g, kept: kept, k), best.lift >= Self.minimumLift { found.append(best) }
        }
        // Strongest first; ties by column order, so the text is the same on every run.
        conditions = Array(found.enumerated().sorted { ($0.element.lift, -$0.offset) > ($1.element.lift, -$1.offset) }.map(\.element).prefix(limit))
    }

    /// The best condition on one column.
    static func best(_ name: String, group: [Int], _ g: Column, kept: [Int], _ k: Column) -> Condition? {
        let n = Double(group.count), m = Double(max(kept.count, 1))
        var candidates: [Condition] = []
        func add(_ text: String, _ inGroup: Int, _ inKept: Int) {
            candidates.append(Condition(column: name, text: text, count: inGroup, groupShare: Double(inGroup) / n,
                                        keptShare: kept.isEmpty ? 0 : Double(inKept) / m))
        }
        switch (g.storage, k.storage) {
        case (.numeric(let gv), .numeric(let kv)):
            let gValues = group.map { gv[$0] }, kValues = kept.map { kv[$0] }
            let gMissing = gValues.filter(\.isNaN).count, kMissing = kValues.filter(\.isNaN).count
            add("no \(name)", gMissing, kMissing)
            let gSorted = gValues.filter { !$0.isNaN }.sorted(), kSorted = kValues.filter { !$0.isNaN }.sorted()
            guard let low = gSorted.first, let high = gSorted.last else { break }
            let number = { (v: Double) in NumberText.number(v) }
            // A column of a few values (a 0/1 label, a rating) reads better by value than by threshold.
            var distinct: [Double] = []
            for v in gSorted + kSorted where !distinct.contains(v) {
                distinct.append(v)
                if distinct.count > 12 { break }
            }
            if distinct.count <= 12 {
                for v in distinct.sorted() {
                    add("\(name) = \(number(v))", countAtMost(gSorted, v) - countBelow(gSorted, v), countAtMost(kSorted, v) - countBelow(kSorted, v))
                }
                break
            }
            var thresholds = [low, high]
            if !kSorted.isEmpty { for q in 1..<10 { thresholds.append(kSorted[min(kSorted.count - 1, kSorted.count * q / 10)]) } }
            for t in Set(thresholds).sorted() {
                add("\(name) ≤ \(number(t))", countAtMost(gSorted, t), countAtMost(kSorted, t))
                add("\(name) > \(number(t))", gSorted.count - countAtMost(gSorted, t), kSorted.count - countAtMost(kSorted, t))
            }
            // The tightest description that holds for every present value: "≥ low".
            add("\(name) ≥ \(number(low))", gSorted.count, kSorted.count - countBelow(kSorted, low))
        default:
            // Categories (or a column typed differently at the two sides): compare the text.
            let groupCounts = textCounts(group, g), keptCounts = textCounts(kept, k)
            for (value, count) in groupCounts.sorted(by: { $0.key < $1.key }) {
                add(value.isEmpty ? "no \(name)" : "\(name) = \(value)", count, keptCounts[value] ?? 0)
            }
        }
        // The largest lift; among equals, the condition holding for more of the group.
        return candidates.enumerated().max { a, b in
            (a.element.lift, a.element.count, -a.offset) < (b.element.lift, b.element.count, -b.offset)
        }?.element
    }

    /// How many of `rows` hold each value, as text ("" for missing): counted by code, one
    /// lookup per level rather than per row.
    static func textCounts(_ rows: [Int], _ column: Column) -> [String: Int] {
        guard case .categorical(let codes, let levels) = column.storage else {
            var counts: [String: Int] = [:]
            for r in rows { counts[column.text(at: r), default: 0] += 1 }
            return counts
        }
        var byCode = [Int](repeating: 0, count: levels.count + 1)
        for r in rows { byCode[Int(codes[r]) + 1] += 1 }
        var counts: [String: Int] = [:]
        for (slot, count) in byCode.enumerated() where count > 0 { counts[slot == 0 ? "" : levels[slot - 1], default: 0] += count }
        return counts
    }

    static func countAtMost(_ sorted: [Double], _ t: Double) -> Int {
        var low = 0, high = sorted.count
        while low < high { let mid = (low + high) / 2; if sorted[mid] <= t { low = mid + 1 } else { high = mid } }
        return low
    }

    static func countBelow(_ sorted: [Double], _ t: Double) -> Int {
        var low = 0, high = sorted.count
        while low < high { let mid = (low + high) / 2; if sorted[mid] < t { low = mid + 1 } else { high = mid } }
        return low
    }

    /// "20 removed rows: all with fare ≤ 0; 18 with no payment".
    func sentence(_ noun: String) -> String {
        let head = "\(groupRows) \(noun) row\(groupRows == 1 ? "" : "s")"
        guard !conditions.isEmpty else { return head + ": no column sets them apart from the \(reference)" }
        return head + ": " + conditions.map { c in
            (c.count == groupRows ? "all" : "\(c.count)") + " with \(c.text) (\(reference): \(NumberText.percent(c.keptShare)))"
        }.joined(separator: "; ")
    }
}
