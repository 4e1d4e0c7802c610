import Foundation
import Testing
@testable import DataValidation
import GateKit

/// PSI, KS and chi-square against numpy/scipy on the same numbers (Reference/make_reference.py).
@Suite struct StatisticsReferenceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct NumericCase: Decodable, Sendable, CustomTestStringConvertible {
        let `case`: String
        let base: [String]
        let head: [String]
        let psi: Double
        let edges: [Double]
        let ks_statistic: Double
        let ks_pvalue: Double
        var testDescription: String { self.case }
    }

    struct CategoricalCase: Decodable, Sendable, CustomTestStringConvertible {
        let `case`: String
        let base: [String]
        let head: [String]
        let psi: Double
        let chi2_statistic: Double
        let chi2_pvalue: Double
        let chi2_dof: Int
        var testDescription: String { self.case }
    }

    struct Reference: Decodable {
        let numeric: [NumericCase]
        let categorical: [CategoricalCase]
    }

    static let reference: Reference = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference/reference.json")
        return try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }()

    static func column(_ location: [String], categorical: Bool = false) throws -> Column {
        let bytes = [UInt8](try Data(contentsOf: root.appendingPathComponent(location[0])))
        let table = try TableReader.read(bytes, path: location[0], declared: categorical ? [location[1]: .categorical] : [:])
        return try #require(table.column(location[1]))
    }

    @Test(arguments: reference.numeric)
    func numericDriftMatchesNumpyAndScipy(_ reference: NumericCase) throws {
        let base = RadixSort.sortedNonMissing(try Self.column(reference.base).numericValues!)
        let head = RadixSort.sortedNonMissing(try Self.column(reference.head).numericValues!)
        let psi = PSI.numeric(sortedBaseline: base, sortedHead: head)
        #expect(psi.edges == reference.edges)
        #expect(abs(psi.psi - reference.psi) <= 1e-12 * max(1, reference.psi))
        let d = KolmogorovSmirnov.statistic(base, head)
        #expect(abs(d - reference.ks_statistic) <= 1e-15)
        let p = KolmogorovSmirnov.pValue(d: d, m: base.count, n: head.count)
        #expect(abs(p - reference.ks_pvalue) <= 1e-6 * max(reference.ks_pvalue, 1e-3), "p \(p) vs scipy \(reference.ks_pvalue)")
    }

    /// Effective sizes of lake-sized tables (Spark sources), where the tail is Smirnov's sum over
    /// a million terms: equal to scipy 1.17.1's `scipy.stats.kstwo.sf(d, n)` (values below).
    @Test(arguments: [(1_000_000, 0.002, 0.0006700277103670718), (1_000_000, 0.0016, 0.011939282537735608)])
    func ksPValueOfMillionsOfRowsMatchesScipy(_ n: Int, _ d: Double, _ scipy: Double) {
        let p = KolmogorovSmirnov.pValue(d: d, m: 2 * n, n: 2 * n)
        #expect(abs(p - scipy) <= 1e-6 * scipy, "p \(p) vs scipy \(scipy)")
    }

    @Test(arguments: reference.categorical)
    func categoricalDriftMatchesNumpyAndScipy(_ reference: CategoricalCase) throws {
        let base = CategoricalProfile(column: try Self.column(reference.base, categorical: true))
        let head = CategoricalProfile(column: try Self.column(reference.head, categorical: true))
        var labels = base.counts.map(\.level)
        for level in head.counts.map(\.level) where !labels.contains(level) { labels.append(level) }
        let b = labels.map { l in base.counts.first { $0.level == l }?.count ?? 0 }
        let h = labels.map { l in head.counts.first { $0.level == l }?.count ?? 0 }
        let psi = PSI.categorical(labels: labels, baseline: b, head: h)
        #expect(abs(psi.psi - reference.psi) <= 1e-12 * max(1, reference.psi))
        let chi = ChiSquare.test(baseline: b, head: h)
        #expect(chi.degreesOfFreedom == reference.chi2_dof)
        #expect(abs(chi.statistic - reference.chi2_statistic) <= 1e-9 * max(1, reference.chi2_statistic))
        #expect(abs(chi.pValue - reference.chi2_pvalue) <= 1e-9 * max(reference.chi2_pvalue, 1e-12), "p \(chi.pValue) vs scipy \(reference.chi2_pvalue)")
    }

    @Test func psiFollowsTheSpecsBinRule() {
        // Edges 1…9 from 0…10; a value equal to an edge belongs to the bin below it.
        let base = (0...10).map(Double.init)
        let psi = PSI.numeric(sortedBaseline: base, sortedHead: [1, 1, 1, 9.5, 100])
        #expect(psi.edges == [1, 2, 3, 4, 5, 6, 7, 8, 9])
        #expect(psi.bins.first?.head == 0.6)
        #expect(psi.bins.last?.head == 0.4)
        #expect(psi.bins[1].head == 0)
    }

    @Test func aResampleOfTheSamePopulationRaisesNoAlarm() {
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<20 {
            let a = (0..<5000).map { _ in Self.normal(&generator) }.sorted()
            let b = (0..<5000).map { _ in Self.normal(&generator) }.sorted()
            #expect(PSI.numeric(sortedBaseline: a, sortedHead: b).psi < 0.1)
        }
    }

    static func normal(_ g: inout SeededGenerator) -> Double {
        let u = Double.random(in: Double.ulpOfOne..<1, using: &g), v = Double.random(in: 0..<1, using: &g)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}

/// SplitMix64: a seeded generator so the resampling test is reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
