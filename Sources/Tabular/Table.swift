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

    /// The column named `name`, if present.
    public func column(_ name: String) -> Column? {
        columns.first { $0.name == name }
    }
}
