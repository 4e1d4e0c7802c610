/// A parsed data file: named, typed columns of equal length.
public struct Table: Sendable {
    /// Where the table came from, for messages (`data/train.csv@a1b2c3d`).
    public let source: String
    public let columns: [Column]
    public let rowCount: Int

    public init(source: String, columns: [Column], rowCount: Int) {
        self.source = source
        self.columns = columns
        self.rowCount = rowCount
    }

    public var columnNames: [String] { columns.map(\.name) }

    /// The rows at `indices`, in that order, as a new table.
    public func rows(_ indices: [Int]) -> Table {
        let columns = self.columns.map { column -> Column in
            switch column.storage {
            case .numeric(let values):
                let picked = indices.map { values[$0] }
                return Column(name: column.name, kind: column.kind, storage: .numeric(picked), nullCount: picked.filter(\.isNaN).count)
            case .categorical(let codes, let levels):
                let picked = indices.map { codes[$0] }
                return Column(name: column.name, kind: column.kind, storage: .categorical(codes: picked, levels: levels),
                              nullCount: picked.filter { $0 < 0 }.count)
            }
        }
        return Table(source: source, columns: columns, rowCount: indices.count)
    }

    /// Tables with the same columns one after another, as one table: a file's chunks read
    /// apart. Categories are renumbered in first-seen order over all parts, as a single read
    /// numbers them.
    public static func stacking(_ parts: [Table], source: String) -> Table {
        guard let first = parts.first else { return Table(source: source, columns: [], rowCount: 0) }
        let columns = first.columns.indices.map { c -> Column in
            let pieces = parts.map { $0.columns[c] }
            let nulls = pieces.reduce(0) { $0 + $1.nullCount }, invalid = pieces.reduce(0) { $0 + $1.invalidCount }
            let firstInvalid = pieces.lazy.compactMap(\.firstInvalid).first
            switch first.columns[c].storage {
            case .numeric:
                var values: [Double] = []
                values.reserveCapacity(pieces.reduce(0) { $0 + $1.count })
                for piece in pieces { if case .numeric(let v) = piece.storage { values += v } }
                return Column(name: first.columns[c].name, kind: first.columns[c].kind, storage: .numeric(values), nullCount: nulls,
                              invalidCount: invalid, firstInvalid: firstInvalid)
            case .categorical:
                var levels: [String] = [], index: [String: Int32] = [:], codes: [Int32] = []
                codes.reserveCapacity(pieces.reduce(0) { $0 + $1.count })
                for piece in pieces {
                    guard case .categorical(let local, let names) = piece.storage else { continue }
                    // One lookup a level, on its first use (a part may list levels none of its rows use).
                    var map = [Int32](repeating: -2, count: names.count)
                    for code in local {
                        guard code >= 0 else { codes.append(-1); continue }
                        var mapped = map[Int(code)]
                        if mapped == -2 {
                            let name = names[Int(code)]
                            if let known = index[name] {
                                mapped = known
                            } else {
                                mapped = Int32(levels.count)
                                levels.append(name)
                                index[name] = mapped
                            }
                            map[Int(code)] = mapped
                        }
                        codes.append(mapped)
                    }
                }
                return Column(name: first.columns[c].name, kind: first.columns[c].kind, storage: .categorical(codes: codes, levels: levels),
                              nullCount: nulls, invalidCount: invalid, firstInvalid: firstInvalid)
            }
        }
        return Table(source: source, columns: columns, rowCount: parts.reduce(0) { $0 + $1.rowCount })
    }

    /// The column named `name`, if present.
    public func column(_ name: String) -> Column? {
        columns.first { $0.name == name }
    }
}
