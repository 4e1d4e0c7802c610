import GateKit

/// `data-validation/duplicates`: rows of head's training data that repeat an earlier row
/// (ignored id columns left out). Warns above 5%, Deepchecks' default.
struct DuplicatesCheck {
    let input: ValidationInput

    static let warnFraction = 0.05

    func result() -> CheckResult {
        let id = "data-validation/duplicates"
        let title = "Duplicate rows"
        let columns = input.head.columnNames.filter { !input.ignoredColumns.contains($0) }
        let head = Self.duplicates(input.head, columns: columns)
        let share = Double(head.count) / Double(max(1, input.head.rowCount))
        let baseline = input.baselineDuplicateShare(columns: columns)
        let details: JSONValue = .object([
            ("duplicates", .number(Double(head.count))), ("rows", .number(Double(input.head.rowCount))),
            ("fraction", .number(share)), ("examples", .array(head.examples.map { .object([("line", .number(Double($0.line))), ("same_as_line", .number(Double($0.firstLine)))]) })),
            ("columns_compared", .number(Double(columns.count))),
        ])
        if share > Self.warnFraction {
            var result = CheckResult(id: id, status: .warn, title: title,
                                     message: "\(head.count) rows (\(Presentation.fraction(share))) repeat an earlier row, e.g. line \(head.examples.first?.line ?? 0) = line \(head.examples.first?.firstLine ?? 0); duplicates weigh some examples more than others",
                                     metric: "duplicate_fraction", value: share, baseline: baseline, threshold: Self.warnFraction, details: details)
            if let baseline, baseline >= share { result.preexisting = true; result.message += " The baseline has as many." }
            return result
        }
        return CheckResult(id: id, status: .pass, title: title, message: "\(head.count) duplicate rows (\(Presentation.fraction(share)))",
                           metric: "duplicate_fraction", value: share, baseline: baseline, threshold: Self.warnFraction, details: details)
    }

    /// Count of rows equal to an earlier one, with the first few (1-based data lines, header = line 1).
    ///
    /// One sort of the fingerprints counts them (rows minus distinct rows) in 16 bytes a row, where
    /// a dictionary would take several times that: a streamed file may have hundreds of millions.
    static func duplicates(_ data: DataSet, columns: [String]) -> (count: Int, examples: [(line: Int, firstLine: Int)]) {
        // Counted in the engine over the same columns (the profile's request names them).
        if case .remote(let set) = data { return (set.profile.duplicates, []) }
        let hashes = data.rowHashes(columns)
        var sorted = hashes
        RadixSort.sort(&sorted)
        var distinct = sorted.isEmpty ? 0 : 1
        for i in sorted.indices.dropFirst() where sorted[i] != sorted[i - 1] { distinct += 1 }
        let count = hashes.count - distinct
        // The first few repeats in file order, each with the row it repeats.
        var first: [UInt64: Int] = [:]
        var examples: [(Int, Int)] = []
        for (row, hash) in hashes.enumerated() where examples.count < 5 && count > 0 {
            guard Self.occursTwice(hash, in: sorted) else { continue }
            if let earlier = first[hash] { examples.append((row + 2, earlier + 2)) } else { first[hash] = row }
        }
        return (count, examples)
    }

    static func occursTwice(_ hash: UInt64, in sorted: [UInt64]) -> Bool {
        let i = lowerBound(hash, in: sorted)
        return i + 1 < sorted.count && sorted[i + 1] == hash
    }

    static func lowerBound(_ hash: UInt64, in sorted: [UInt64]) -> Int {
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < hash { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
