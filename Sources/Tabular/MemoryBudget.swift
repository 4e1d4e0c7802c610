#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How much memory this process may use: the smaller of the machine's available memory and the
/// cgroup limit it runs under (a container's, a CI job's, `systemd-run -p MemoryMax=`).
public struct MemoryBudget: Sendable, Equatable {
    /// Bytes the process can expect to get.
    public let available: Int

    public init(available: Int) { self.available = available }

    /// Read from /proc/meminfo (MemAvailable) and the cgroup v2 or v1 limit of this process.
    public static func current() -> MemoryBudget {
        var available = meminfoAvailable() ?? 4 << 30
        if let limit = cgroupLimit() { available = min(available, max(0, limit.max - limit.used)) }
        return MemoryBudget(available: available)
    }

    /// Rows a model may train on: a quarter of the budget (the table itself, both sides' scores
    /// and the reports need the rest) over what training holds per row — a byte of bin per
    /// feature, 8 bytes of design per feature for the linear models, gradients, scores and row
    /// indices — and never fewer than 100,000.
    public func trainingRows(features: Int) -> Int {
        let perRow = 9 * max(1, features) + 48
        return max(100_000, available / 4 / perRow)
    }

    /// Whether a data file of `bytes` should be profiled as a stream rather than read whole:
    /// reading it whole takes about twice its size (the bytes and the parsed columns).
    public func shouldStream(fileBytes: Int) -> Bool {
        fileBytes > available / 3
    }

    /// Whether a Parquet file of `fileBytes` whose columns take `decodedBytes` once read should
    /// be streamed: reading it whole holds both.
    public func shouldStream(parquetBytes fileBytes: Int, decodedBytes: Int) -> Bool {
        decodedBytes > available / 3 * 2 - min(fileBytes, available / 3 * 2)
    }

    /// The most one indivisible part of a streamed file (a Parquet row group) may take once
    /// read: half the budget, and never less than 64 MiB, so that a small limit still reads
    /// files written with the writers' default row groups.
    public var chunkLimit: Int { max(available / 2, 64 << 20) }

    /// `812 KiB`, `4.2 GiB`: sizes as people read them.
    public static func text(_ bytes: Int) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes), unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(bytes) bytes" : (value >= 10 ? "\(Int(value.rounded())) \(units[unit])" : "\((value * 10).rounded() / 10) \(units[unit])")
    }

    static func meminfoAvailable() -> Int? {
        guard let text = readSmallFile("/proc/meminfo") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let fields = line.split(separator: " ")
            if fields.count >= 2, let kib = Int(fields[1]) { return kib * 1024 }
        }
        return nil
    }

    /// (limit, usage) of this process's cgroup, when one limits it.
    static func cgroupLimit() -> (max: Int, used: Int)? {
        // cgroup v2: "0::/path" in /proc/self/cgroup; v1: the memory controller's line.
        guard let groups = readSmallFile("/proc/self/cgroup") else { return nil }
        for line in groups.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            let path = String(parts[2])
            if parts[0] == "0", parts[1].isEmpty {
                let directory = "/sys/fs/cgroup" + (path == "/" ? "" : path)
                if let limit = readInt(directory + "/memory.max") {
                    return (limit, readInt(directory + "/memory.current") ?? 0)
                }
            } else if parts[1].split(separator: ",").contains("memory") {
                // A container sees its own group at the root of the mount, not at `path`.
                for directory in ["/sys/fs/cgroup/memory" + (path == "/" ? "" : path), "/sys/fs/cgroup/memory"] {
                    if let limit = readInt(directory + "/memory.limit_in_bytes") {
                        return limit < 1 << 60 ? (limit, readInt(directory + "/memory.usage_in_bytes") ?? 0) : nil
                    }
                }
            }
        }
        return nil
    }

    private static func readInt(_ path: String) -> Int? {
        readSmallFile(path).flatMap { Int($0.trimmed(" \n")) }
    }

    private static func readSmallFile(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n <= 0 { break }
            bytes += buffer[0..<n]
            if bytes.count > 1 << 20 { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

private extension String {
    /// Without the leading and trailing characters in `set` (Tabular does without Foundation).
    func trimmed(_ set: String) -> String {
        var s = Substring(self)
        while let c = s.first, set.contains(c) { s.removeFirst() }
        while let c = s.last, set.contains(c) { s.removeLast() }
        return String(s)
    }
}
