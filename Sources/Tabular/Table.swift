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

    /// The column named `name`, if present.
    public func column(_ name: String) -> Column? {
        columns.first { $0.name == name }
    }
}
