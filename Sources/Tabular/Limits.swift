/// The limits that keep a run's memory and time bounded whatever a file holds: each is far
/// beyond a real training set, and past it the run stops with a line saying which and why.
public enum Limits {
    /// Columns of a table: a 40 MB file of 100,000 columns took 7.9 GB and six minutes, and
    /// wrote 300,000 checks.
    public static let columns = 10_000
    /// Bytes of one field: a 200 MB field ended up in every report that quotes values.
    public static let fieldBytes = 1 << 20

    static func longField(file: String, line: Int, field: Int, bytes: Int) -> TabularError {
        .fieldTooLong(file: file, line: line, field: field, bytes: bytes)
    }
}
