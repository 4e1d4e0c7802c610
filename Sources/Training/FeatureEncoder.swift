import Tabular

/// Turns table columns into a dense design matrix for the linear models, fitted on training
/// data only: numeric and boolean columns imputed with their training mean and standardised
/// (population standard deviation, as scikit-learn's StandardScaler; constant columns are
/// left unscaled), categorical columns one-hot encoded over their training levels in sorted
/// order (as OneHotEncoder), missing values as a level of their own, unseen levels as zeros.
public struct FeatureEncoder: Sendable, Equatable, Codable {
    public enum Encoding: Sendable, Equatable, Codable {
        case numeric(mean: Double, scale: Double)
        case categorical(levels: [String])
    }

    public static let missingLevel = "(missing)"

    public let columns: [String]
    public let encodings: [Encoding]

    /// Fits on `table`'s `features`, which must all exist.
    public init(fitting table: Table, features: [String]) {
        var encodings: [Encoding] = []
        for name in features {
            guard let column = table.column(name) else { continue }
            switch column.storage {
            case .numeric(let values):
                var sum = 0.0, n = 0
                for v in values where !v.isNaN { sum += v; n += 1 }
                let mean = n > 0 ? sum / Double(n) : 0
                // After imputation every row counts: missing rows sit at the mean.
                var squares = 0.0
                for v in values { let x = v.isNaN ? mean : v; squares += (x - mean) * (x - mean) }
                let std = values.isEmpty ? 0 : (squares / Double(values.count)).squareRoot()
                encodings.append(.numeric(mean: mean, scale: std > 0 ? std : 1))
            case .categorical(let codes, let levels):
                var used = Set<String>()
                for code in codes { used.insert(code < 0 ? Self.missingLevel : levels[Int(code)]) }
                encodings.append(.categorical(levels: used.sorted()))
            }
        }
        self.columns = features.filter { table.column($0) != nil }
        self.encodings = encodings
    }

    /// Number of columns of the design matrix.
    public var width: Int {
        encodings.reduce(0) { total, encoding in
            switch encoding {
            case .numeric: total + 1
            case .categorical(let levels): total + levels.count
            }
        }
    }

    /// Names of the design matrix's columns (`region=north` for one-hot columns).
    public var featureNames: [String] {
        zip(columns, encodings).flatMap { name, encoding -> [String] in
            switch encoding {
            case .numeric: [name]
            case .categorical(let levels): levels.map { "\(name)=\($0)" }
            }
        }
    }

    /// The row-major design matrix of `table` (columns missing from it encode as training means / zeros).
    public func encode(_ table: Table) -> Matrix {
        var matrix = Matrix(rows: table.rowCount, columns: width)
        var offset = 0
        for (name, encoding) in zip(columns, encodings) {
            let column = table.column(name)
            switch encoding {
            case .numeric(let mean, let scale):
                if let values = column?.numericValues {
                    for r in 0..<table.rowCount {
                        let v = values[r]
                        matrix[r, offset] = ((v.isNaN ? mean : v) - mean) / scale
                    }
                }
                offset += 1
            case .categorical(let levels):
                let index = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, $0) })
                if let column {
                    // One lookup per level, not per row: codes map through a small table.
                    switch column.storage {
                    case .categorical(let codes, let columnLevels):
                        let map = columnLevels.map { index[$0] ?? -1 }
                        let missing = index[Self.missingLevel] ?? -1
                        for r in 0..<table.rowCount {
                            let code = codes[r]
                            let slot = code < 0 ? missing : map[Int(code)]
                            if slot >= 0 { matrix[r, offset + slot] = 1 }
                        }
                    case .numeric:
                        for r in 0..<table.rowCount {
                            let text = column.text(at: r)
                            if let slot = index[text.isEmpty ? Self.missingLevel : text] { matrix[r, offset + slot] = 1 }
                        }
                    }
                }
                offset += levels.count
            }
        }
        return matrix
    }
}

/// A design matrix stored by its non-zeros, the same number in every row: one per numeric
/// column and one per categorical column (its level's one-hot entry). A one-hot design of a
/// million rows and a hundred levels would be 800 MB dense; this is a quarter of that, and
/// products with it cost columns, not levels.
public struct SparseDesign: Sendable {
    public let rows: Int
    /// Non-zeros per row.
    public let perRow: Int
    /// The full width (the dense matrix's column count).
    public let width: Int
    public let indices: [Int32]
    public let values: [Double]
}

extension FeatureEncoder {
    /// The design of `table` by non-zeros; a level training never saw (or a missing value
    /// without a missing level) contributes a zero.
    public func encodeSparse(_ table: Table) -> SparseDesign {
        let k = encodings.count, n = table.rowCount
        var indices = [Int32](repeating: 0, count: n * k)
        var values = [Double](repeating: 0, count: n * k)
        var offset = 0
        for (j, (name, encoding)) in zip(columns, encodings).enumerated() {
            let column = table.column(name)
            switch encoding {
            case .numeric(let mean, let scale):
                let source = column?.numericValues
                for r in 0..<n {
                    indices[r * k + j] = Int32(offset)
                    let v = source?[r] ?? .nan
                    values[r * k + j] = ((v.isNaN ? mean : v) - mean) / scale
                }
                offset += 1
            case .categorical(let levels):
                let index = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, $0) })
                let slots: [Int]
                switch column?.storage {
                case .categorical(let codes, let columnLevels)?:
                    let map = columnLevels.map { index[$0] ?? -1 }
                    let missing = index[Self.missingLevel] ?? -1
                    slots = codes.map { $0 < 0 ? missing : map[Int($0)] }
                case .numeric?:
                    slots = (0..<n).map { r in
                        let text = column!.text(at: r)
                        return index[text.isEmpty ? Self.missingLevel : text] ?? -1
                    }
                case nil:
                    slots = Array(repeating: -1, count: n)
                }
                for r in 0..<n {
                    indices[r * k + j] = Int32(offset + max(0, slots[r]))
                    values[r * k + j] = slots[r] >= 0 ? 1 : 0
                }
                offset += levels.count
            }
        }
        return SparseDesign(rows: n, perRow: k, width: offset, indices: indices, values: values)
    }
}

/// A dense row-major matrix of doubles.
public struct Matrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    public var storage: [Double]

    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        storage = [Double](repeating: 0, count: rows * columns)
    }

    public subscript(row: Int, column: Int) -> Double {
        get { storage[row * columns + column] }
        set { storage[row * columns + column] = newValue }
    }
}
