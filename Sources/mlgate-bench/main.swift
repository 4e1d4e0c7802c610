import CMemoryTuning
import DataValidation
import Training
import Foundation
import GateKit

// Times mlgate's data path on two files, phase by phase, for benchmarks/data_bench.py:
//   mlgate-bench data BASE.csv HEAD.csv [--jobs N]
// Prints one JSON object: seconds per phase, bytes, and peak resident memory.

func seconds(_ start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

func peakResidentMB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

let arguments = Array(CommandLine.arguments.dropFirst())
mlgate_retain_freed_memory()

// mlgate-bench profile FILE: the streaming profile (CSV, TSV or Parquet), whose memory must not grow with the rows.
if arguments.count >= 2, arguments[0] == "profile" {
    let clock = ContinuousClock.now
    let jobs = arguments.firstIndex(of: "--jobs").flatMap { Int(arguments[$0 + 1]) } ?? ProcessInfo.processInfo.activeProcessorCount
    do {
        let result = try StreamingProfiler.profile(path: arguments[1], format: StreamedFormat(path: arguments[1]) ?? .delimited(UInt8(ascii: ",")),
                                                   jobs: jobs)
        let first = result.columns[0]
        print("""
        {"rows": \(result.rows), "seconds": \(seconds(clock)), "peak_rss_mb": \(peakResidentMB()), \
        "first_column": {"name": "\(first.name)", "mean": \(first.mean), "median": \(first.quantiles.count > 3 ? first.quantiles[3] : .nan), \
        "distinct": \(first.distinct), "rank_error": \(first.rankError)}}
        """)
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        exit(2)
    }
}

// mlgate-bench read FILE [--jobs N]: reads one data file (CSV, Parquet, …) into typed columns,
// as `mlgate check` does; prints the seconds (file read from the page cache, then parsed), rows,
// columns and peak memory.
if arguments.count >= 2, arguments[0] == "read" {
    let jobs = arguments.firstIndex(of: "--jobs").flatMap { Int(arguments[$0 + 1]) } ?? ProcessInfo.processInfo.activeProcessorCount
    do {
        let clock = ContinuousClock.now
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: arguments[1])))
        let read = seconds(clock)
        let parse = ContinuousClock.now
        let table = try TableReader.read(bytes, path: arguments[1], jobs: jobs)
        print("""
        {"read_seconds": \(read), "parse_seconds": \(seconds(parse)), "seconds": \(seconds(clock)), "rows": \(table.rowCount), \
        "columns": \(table.columns.count), "nulls": \(table.columns.reduce(0) { $0 + $1.nullCount }), "peak_rss_mb": \(peakResidentMB())}
        """)
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        exit(2)
    }
}

// mlgate-bench bootstrap [--rows N] [--resamples N] [--jobs N] [--metrics auc,f1,…]: paired bootstrap intervals of every
// binary metric (auc, pr_auc, accuracy, f1, precision, recall, log_loss, brier, ece) for two
// models' seeded synthetic scores on N holdout rows; prints the seconds to build the samples
// (the one sort, the per-row terms) and to resample.
if arguments.first == "bootstrap" {
    func option(_ name: String) -> String? { arguments.firstIndex(of: name).map { arguments[$0 + 1] } }
    let rows = option("--rows").flatMap(Int.init) ?? 250_000
    let resamples = option("--resamples").flatMap(Int.init) ?? 1000
    let jobs = option("--jobs").flatMap(Int.init) ?? ProcessInfo.processInfo.activeProcessorCount
    var rng = SeededRandom(seed: 7)
    func uniform() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
    var labels: [Bool] = [], candidate: [Double] = [], baseline: [Double] = []
    for _ in 0..<rows {
        let signal = uniform()
        labels.append(uniform() < signal)
        candidate.append(min(1, max(0, signal + (uniform() - 0.5) * 0.6)))
        baseline.append(min(1, max(0, signal + (uniform() - 0.5) * 0.7)))
    }
    var clock = ContinuousClock.now
    let c = WeightedMetrics(labels: labels, probabilities: candidate), b = WeightedMetrics(labels: labels, probabilities: baseline)
    let prepare = seconds(clock)
    clock = ContinuousClock.now
    let metrics: [WeightedMetrics.Name] = option("--metrics").map { $0.split(separator: ",").compactMap { WeightedMetrics.Name(rawValue: String($0)) } }
        ?? [.auc, .prAUC, .accuracy, .f1, .precision, .recall, .logLoss, .brier, .ece]
    let intervals = PairedBootstrap.intervals(metrics.map { PairedBootstrap.Comparison($0, candidate: c, baseline: b) }, paired: true,
                                              resamples: resamples, seed: 1, jobs: jobs)
    let resample = seconds(clock)
    print("{\"rows\": \(rows), \"resamples\": \(resamples), \"metrics\": \(metrics.count), \"prepare_seconds\": \(prepare), "
          + "\"resample_seconds\": \(resample), \"intervals\": {"
          + zip(metrics, intervals).map { "\"\($0.rawValue)\": [\($1.low), \($1.high)]" }.joined(separator: ", ") + "}}")
    exit(0)
}

// mlgate-bench train FILE [--trees N] [--leaves N] [--jobs N] [--model gbdt|logistic]: the first 80% of
// rows train a classifier of `label`, the last 20% score it; prints seconds, AUC and peak memory.
if arguments.count >= 2, arguments[0] == "train" {
    func option(_ name: String) -> String? { arguments.firstIndex(of: name).map { arguments[$0 + 1] } }
    let jobs = option("--jobs").flatMap(Int.init) ?? ProcessInfo.processInfo.activeProcessorCount
    guard let file = MappedFile(arguments[1]) else { exit(2) }
    var clock = ContinuousClock.now
    let table: Table
    do { table = try TableReader.read(file.buffer, path: arguments[1], jobs: jobs) } catch {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        exit(2)
    }
    let parse = seconds(clock)
    let split = table.rowCount * 4 / 5
    let train = table.rows(Array(0..<split)), test = table.rows(Array(split..<table.rowCount))
    let features = table.columnNames.filter { $0 != "label" }
    let labels = { (t: Table) in t.column("label")!.numericValues!.map { $0 == 1 } }
    clock = ContinuousClock.now
    let scores: [Double]
    var gbdt: GradientBoostedTrees?
    if option("--model") == "logistic" {
        let model = try! LogisticRegression(fitting: train, features: features, labels: labels(train), c: 1, jobs: jobs)
        scores = model.predictProbabilities(test)
    } else {
        var parameters = GradientBoostedTrees.Parameters()
        parameters.trees = option("--trees").flatMap(Int.init) ?? 100
        parameters.leaves = option("--leaves").flatMap(Int.init) ?? 31
        parameters.maxBins = 255
        parameters.learningRate = 0.1
        parameters.seed = 1
        let model = try! GradientBoostedTrees(fitting: train, features: features, targets: .binary(labels(train)), parameters: parameters, jobs: jobs)
        scores = model.predict(test, jobs: jobs)
        gbdt = model
    }
    let fit = seconds(clock)
    let auc = Metrics.rocAUC(labels: labels(test), scores: scores)
    // Scoring alone, the fastest of five (the first call above paid for page faults).
    var score = Double.infinity
    if let model = gbdt {
        for _ in 0..<5 {
            let start = ContinuousClock.now
            precondition(model.predict(test, jobs: jobs) == scores)
            score = min(score, seconds(start))
        }
    }
    print("""
    {"parse_seconds": \(parse), "train_seconds": \(fit), "score_seconds": \(score.isFinite ? score : 0), "auc": \(auc), "train_rows": \(split), "peak_rss_mb": \(peakResidentMB()), "jobs": \(jobs)}
    """)
    exit(0)
}

guard arguments.count >= 3, arguments[0] == "data" else {
    FileHandle.standardError.write(Data("usage: mlgate-bench data BASE.csv HEAD.csv [--jobs N] | mlgate-bench profile FILE [--jobs N]\n".utf8))
    exit(2)
}
let jobs = arguments.firstIndex(of: "--jobs").flatMap { Int(arguments[$0 + 1]) } ?? ProcessInfo.processInfo.activeProcessorCount
let paths = [arguments[1], arguments[2]]

var clock = ContinuousClock.now
/// A read-only memory map of a file: its pages come from the page cache as they are, where a
/// read into a fresh buffer would first have the kernel zero every page of it.
final class MappedFile: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<UInt8>

    init?(_ path: String) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0,
              let address = mmap(nil, Int(info.st_size), PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else { return nil }
        madvise(address, Int(info.st_size), MADV_SEQUENTIAL)
        buffer = UnsafeBufferPointer(start: address.assumingMemoryBound(to: UInt8.self), count: Int(info.st_size))
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: buffer.baseAddress), buffer.count) }
}

let files = paths.compactMap(MappedFile.init)
guard files.count == 2 else {
    FileHandle.standardError.write(Data("cannot read \(paths.joined(separator: " or "))\n".utf8))
    exit(2)
}
let readSeconds = seconds(clock)

clock = ContinuousClock.now
let tables: [Table]
do {
    tables = try files.enumerated().map { try TableReader.read($1.buffer, path: paths[$0], jobs: jobs) }
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(2)
}
let parseSeconds = seconds(clock)

// Profile and drift, column by column as the gate does: one sort per numeric column and side,
// shared by the quantiles, the distinct count, the PSI edges and the KS merge, then dropped.
clock = ContinuousClock.now
let names = tables[0].columnNames
let drift: [Double] = Parallel.map(names.count, jobs: jobs) { i in
    let columns = tables.map { $0.column(names[i])! }
    if columns[0].kind == .numeric {
        let sorted = columns.map { RadixSort.sortedNonMissing($0.numericValues!) }
        _ = zip(sorted, columns).map { NumericProfile(sorted: $0, nulls: $1.nullCount) }
        let psi = PSI.numeric(sortedBaseline: sorted[0], sortedHead: sorted[1]).psi
        let d = KolmogorovSmirnov.statistic(sorted[0], sorted[1])
        _ = KolmogorovSmirnov.pValue(d: d, m: sorted[0].count, n: sorted[1].count)
        return psi
    }
    let profiles = columns.map(CategoricalProfile.init(column:))
    _ = profiles.map { $0.top(10) }
    let levels = Array(Set(profiles.flatMap { $0.counts.map(\.level) })).sorted()
    let counts = profiles.map { profile in levels.map { l in profile.counts.first { $0.level == l }?.count ?? 0 } }
    _ = ChiSquare.test(baseline: counts[0], head: counts[1])
    return PSI.categorical(labels: levels, baseline: counts[0], head: counts[1]).psi
}
let analysisSeconds = seconds(clock)

let drifted = zip(names, drift).filter { $0.1 >= 0.1 }.map { "\"\($0.0)\"" }.joined(separator: ",")
print("""
{"read_seconds": \(readSeconds), "parse_seconds": \(parseSeconds), "profile_drift_seconds": \(analysisSeconds), \
"bytes": \(files.map(\.buffer.count).reduce(0, +)), "rows": \(tables[0].rowCount), \
"peak_rss_mb": \(peakResidentMB()), "jobs": \(jobs), "drifted": [\(drifted)]}
""")
