import GateKit
import Training

/// Applies a behavioural test's `change` to one column of a table, deterministically.
enum Perturbation {
    enum Failure: Error, CustomStringConvertible {
        case missingColumn(String)
        case notNumeric(String, String)

        var description: String {
            switch self {
            case .missingColumn(let c): "the holdout has no column '\(c)'"
            case .notNumeric(let c, let change): "'\(c)' is not numeric, so it cannot be changed by \(change)"
            }
        }
    }

    static func apply(_ change: BehaviouralTest.Change, to name: String, in table: Table, seed: UInt64) throws(Failure) -> Table {
        guard let column = table.column(name) else { throw .missingColumn(name) }
        let changed: Column
        switch (change, column.storage) {
        case (.add(let x), .numeric(let values)) where column.kind == .numeric:
            changed = Column(name: name, kind: .numeric, storage: .numeric(values.map { $0 + x }), nullCount: column.nullCount)
        case (.multiply(let x), .numeric(let values)) where column.kind == .numeric:
            changed = Column(name: name, kind: .numeric, storage: .numeric(values.map { $0 * x }), nullCount: column.nullCount)
        case (.add, _):
            throw .notNumeric(name, "add")
        case (.multiply, _):
            throw .notNumeric(name, "multiply")
        case (.set(let value), .numeric):
            guard let number = Double(value) else { throw .notNumeric(name, "set: \(value)") }
            changed = Column(name: name, kind: column.kind, storage: .numeric(Array(repeating: number, count: column.count)), nullCount: 0)
        case (.set(let value), .categorical(_, var levels)):
            let code = Int32(levels.firstIndex(of: value) ?? levels.count)
            if Int(code) == levels.count { levels.append(value) }
            changed = Column(name: name, kind: .categorical, storage: .categorical(codes: Array(repeating: code, count: column.count), levels: levels), nullCount: 0)
        case (.replace(let pairs), .categorical(let codes, let levels)):
            // Renaming levels; a level renamed onto another merges with it.
            var newLevels = levels
            for (from, to) in pairs { if let i = newLevels.firstIndex(of: from) { newLevels[i] = to } }
            var unique: [String] = [], index: [String: Int32] = [:]
            let map = newLevels.map { level -> Int32 in
                if let i = index[level] { return i }
                index[level] = Int32(unique.count)
                unique.append(level)
                return Int32(unique.count - 1)
            }
            changed = Column(name: name, kind: .categorical, storage: .categorical(codes: codes.map { $0 < 0 ? -1 : map[Int($0)] }, levels: unique),
                             nullCount: column.nullCount)
        case (.replace(let pairs), .numeric(let values)):
            let numeric = pairs.compactMap { pair in Double(pair.from).flatMap { from in Double(pair.to).map { (from, $0) } } }
            changed = Column(name: name, kind: column.kind, storage: .numeric(values.map { v in numeric.first { $0.0 == v }?.1 ?? v }),
                             nullCount: column.nullCount)
        case (.shuffle, _):
            var order = Array(0..<column.count)
            var rng = SeededRandom(seed: seed)
            for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
            changed = Table(source: "", columns: [column], rowCount: column.count).rows(order).columns[0]
        }
        return Table(source: table.source, columns: table.columns.map { $0.name == name ? changed : $0 }, rowCount: table.rowCount)
    }
}
