import GateKit

/// What sets a group of rows (the rows a PR added, or removed) apart from the rows it kept, in
/// words: for each column, the condition on it that holds for the largest share of the group
/// beyond its share of the kept rows — a category (`payment = cash`), a missing value
/// (`no payment`), a value of a column of few values (`approved = 0`), or a side of a threshold
/// (`fare ≤ 0`, the thresholds being the group's own extremes and the kept rows' deciles) — and
/// the columns whose condition stands out most.
///
/// Conditions are chosen on at most `sampleRows` rows of each set (every k-th row), then counted
/// exactly on all of them, so "all with" means all, at any size.
struct GroupDescription {
    enum Test: Equatable {
        case missing
        case text(String)
        case equal(Double)
        case atMost(Double)
        case above(Double)
        case atLeast(Double)

        func holds(_ column: Column, _ row: Int) -> Bool {
            switch (self, column.storage) {
            case (.missing, .numeric(let v)): v[row].isNaN
            case (.missing, .categorical(let codes, _)): codes[row] < 0
            case (.text(let t), _): column.text(at: row) == t
            case (.equal(let x), .numeric(let v)): v[row] == x
            case (.atMost(let x), .numeric(let v)): v[row] <= x
            case (.above(let x), .numeric(let v)): v[row] > x
            case (.atLeast(let x), .numeric(let v)): v[row] >= x
            default: false
            }
        }

        /// Rows of `rows` it holds for; a category is tested by code, one comparison per level.
        func count(_ rows: [Int], _ column: Column) -> Int {
            if case .text(let t) = self, case .categorical(let codes, let levels) = column.storage {
                let matching = levels.map { $0 == t }
                return rows.reduce(0) { $0 + (codes[$1] >= 0 && matching[Int(codes[$1])] ? 1 : 0) }
            }
            return rows.reduce(0) { $0 + (holds(column, $1) ? 1 : 0) }
        }
    }

    struct Condition {
        let column: String
        let text: String
        let test: Test
        /// Rows of the group it holds for, and its share of the group and of the reference rows.
        let count: Int
        let groupShare: Double
        let keptShare: Double
        /// groupShare − keptShare: how much it sets the group apart.
        var lift: Double { groupShare - keptShare }
    }

    /// The conditions that set the group apart most, strongest first (lift ≥ `minimumLift`).
    let conditions: [Condition]
    let groupRows: Int
    /// What the group is compared with: "kept rows", or, when the PR kept none, the other group.
    let reference: String

    static let minimumLift = 0.2
    static let sampleRows = 50_000

    /// - Parameters:
    ///   - group, kept: row indices of the two sets, in `groupTable` and `keptTable`.
    ///   - columns: the columns to describe by, as each table names them.
    init(group: [Int], in groupTable: Table, kept: [Int], in keptTable: Table, columns: [(group: String, kept: String)],
         reference: String = "kept rows", limit: Int = 2) {
        groupRows = group.count
        self.reference = reference
        let groupSample = Self.every(group), keptSample = Self.every(kept)
        var found: [Condition] = []
        for (name, keptName) in columns where !group.isEmpty && !kept.isEmpty {
            guard let g = groupTable.column(name), let k = keptTable.column(keptName),
                  let chosen = Self.best(name, group: groupSample, g, kept: keptSample, k), chosen.lift >= Self.minimumLift else { continue }
            // Counted again on every row when the choice was made on samples.
            let exact = groupSample.count == group.count && keptSample.count == kept.count ? chosen
                : Self.condition(name, chosen.text, chosen.test, inGroup: chosen.test.count(group, g), of: group.count,
                                 inKept: chosen.test.count(kept, k), of: kept.count)
            if exact.lift >= Self.minimumLift { found.append(exact) }
        }
        // Strongest first; ties by column order, so the text is the same on every run.
        conditions = Array(found.enumerated().sorted { ($0.element.lift, -$0.offset) > ($1.element.lift, -$1.offset) }.map(\.element).prefix(limit))
    }

    /// At most `sampleRows` of `rows`, every k-th.
    static func every(_ rows: [Int]) -> [Int] {
        guard rows.count > sampleRows else { return rows }
        let step = (rows.count + sampleRows - 1) / sampleRows
        return stride(from: 0, to: rows.count, by: step).map { rows[$0] }
    }

    static func condition(_ name: String, _ text: String, _ test: Test, inGroup: Int, of n: Int, inKept: Int, of m: Int) -> Condition {
        Condition(column: name, text: text, test: test, count: inGroup, groupShare: Double(inGroup) / Double(max(n, 1)),
                  keptShare: m == 0 ? 0 : Double(inKept) / Double(m))
    }

    /// The best condition on one column.
    static func best(_ name: String, group: [Int], _ g: Column, kept: [Int], _ k: Column) -> Condition? {
        var candidates: [Condition] = []
        func add(_ text: String, _ test: Test, _ inGroup: Int, _ inKept: Int) {
            candidates.append(condition(name, text, test, inGroup: inGroup, of: group.count, inKept: inKept, of: kept.count))
        }
        switch (g.storage, k.storage) {
        case (.numeric(let gv), .numeric(let kv)):
            let gValues = group.map { gv[$0] }, kValues = kept.map { kv[$0] }
            add("no \(name)", .missing, gValues.filter(\.isNaN).count, kValues.filter(\.isNaN).count)
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
                    add("\(name) = \(number(v))", .equal(v), countAtMost(gSorted, v) - countBelow(gSorted, v), countAtMost(kSorted, v) - countBelow(kSorted, v))
                }
                break
            }
            var thresholds = [low, high]
            if !kSorted.isEmpty { for q in 1..<10 { thresholds.append(kSorted[min(kSorted.count - 1, kSorted.count * q / 10)]) } }
            for t in Set(thresholds).sorted() {
                add("\(name) ≤ \(number(t))", .atMost(t), countAtMost(gSorted, t), countAtMost(kSorted, t))
                add("\(name) > \(number(t))", .above(t), gSorted.count - countAtMost(gSorted, t), kSorted.count - countAtMost(kSorted, t))
            }
            // The tightest description that holds for every present value: "≥ low".
            add("\(name) ≥ \(number(low))", .atLeast(low), gSorted.count, kSorted.count - countBelow(kSorted, low))
        default:
            // Categories (or a column typed differently at the two sides): compare the text.
            let groupCounts = textCounts(group, g), keptCounts = textCounts(kept, k)
            for (value, count) in groupCounts.sorted(by: { $0.key < $1.key }) {
                add(value.isEmpty ? "no \(name)" : "\(name) = \(value)", value.isEmpty ? .missing : .text(value), count, keptCounts[value] ?? 0)
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
