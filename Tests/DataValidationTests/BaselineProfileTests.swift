@testable import DataValidation
import GateKit
import Testing

/// The baseline profile's bytes in the cache: read back as they were written, and anything else
/// (another version's entry, a truncated one) is a miss, never numbers.
@Suite struct BaselineProfileTests {
    static let train = """
        id,age,region,income,joined,label
        1,34,north,52000.5,2024-01-03,1
        2,,south,61000,2024-01-04,0
        3,51,north,,2024-02-11,1
        4,29,east,38000,2024-02-12,0
        5,34,north,52000.5,2024-03-01,1
        6,-0.0,west,0,2024-03-02,0
        7,NaN,south,41000,2024-03-09,1
        """
    static let holdout = """
        id,age,region,income,joined,label
        1,34,north,52000.5,2024-01-03,1
        9,40,east,45000,2024-04-01,0
        """

    static func bounds(_ column: String, min: Double?, max: Double?) -> ColumnExpectation {
        var expectation = ColumnExpectation(column: column)
        expectation.min = min
        expectation.max = max
        return expectation
    }

    static func profile() throws -> BaselineProfile {
        let train = try TableReader.read(Array(Self.train.utf8), path: "train.csv")
        let holdout = try TableReader.read(Array(Self.holdout.utf8), path: "holdout.csv")
        var config = Configuration(target: "label", data: DataPaths(train: "train.csv", holdout: "holdout.csv"))
        config.features.ignore = ["id"]
        config.schema = [Self.bounds("age", min: 0, max: 120)]
        let inputs = try #require(BaselineProfile.Inputs(head: config, naming: config, hashes: ["train": "a1", "holdout": "b2"]))
        return BaselineProfile(train: train, holdout: holdout, inputs: inputs, jobs: 2)
    }

    @Test func bytesReadBackAsWritten() throws {
        let profile = try Self.profile()
        let bytes = profile.encoded()
        let read = try #require(BaselineProfile(decoding: bytes))
        #expect(read.rows == profile.rows && read.duplicates == profile.duplicates)
        #expect(read.leaked?.count == profile.leaked?.count && read.leaked?.rows == profile.leaked?.rows)
        #expect(read.columns.count == profile.columns.count)
        for (a, b) in zip(read.columns, profile.columns) {
            #expect(a.name == b.name && a.kind == b.kind && a.count == b.count && a.nulls == b.nulls && a.invalid == b.invalid)
            #expect(a.low.bitPattern == b.low.bitPattern && a.high.bitPattern == b.high.bitPattern)
            #expect(a.sorted.map(\.bitPattern) == b.sorted.map(\.bitPattern))
            #expect(a.categories == b.categories && a.distinct == b.distinct && a.singleValued == b.singleValued)
            #expect(a.outside.keys.sorted { $0.low < $1.low } == b.outside.keys.sorted { $0.low < $1.low })
        }
        // What the checks ask of it: one leaked holdout row, the age outside [0, 120] counted.
        #expect(profile.leaked?.count == 1)
        let age = try #require(profile.column("age"))
        #expect(age.sorted.count == 5 && age.distinct == 4)
        #expect(age.outside[StreamingProfiler.Interval(low: 0, high: 120)]?.count == 0)
        #expect(profile.column("region")?.categories?.counts.map(\.level) == ["north", "south", "east", "west"])
        // Another order of the same columns reads the files again.
        #expect(profile.applies(toHeadColumns: ["id", "age", "region", "income", "joined", "label"]))
        #expect(!profile.applies(toHeadColumns: ["id", "region", "age", "income", "joined", "label"]))
    }

    @Test func aTruncatedOrForeignEntryIsAMiss() throws {
        let bytes = try Self.profile().encoded()
        for length in stride(from: 0, to: bytes.count, by: 7) {
            #expect(BaselineProfile(decoding: Array(bytes.prefix(length))) == nil, "\(length) of \(bytes.count) bytes")
        }
        #expect(BaselineProfile(decoding: bytes + [0]) == nil)
        // Another version's entry: the same layout under another version string.
        var foreign = bytes
        let version = Array(BaselineProfile.version.utf8)
        let at = try #require((0..<foreign.count - version.count).first { Array(foreign[$0..<$0 + version.count]) == version })
        foreign[at + version.count - 1] = UInt8(ascii: "9")
        #expect(BaselineProfile(decoding: foreign) == nil)
    }

    /// What the key covers: a schema bound or a declared type changes what is profiled.
    @Test func theKeyCoversWhatShapesTheProfile() throws {
        var config = Configuration(target: "label", data: DataPaths(train: "train.csv", holdout: "holdout.csv"))
        let key = { (c: Configuration) in BaselineProfile.Inputs(head: c, naming: c, hashes: ["train": "a1", "holdout": "b2"])!.key }
        let plain = key(config)
        config.schema = [Self.bounds("age", min: 0, max: nil)]
        let bounded = key(config)
        config.features.categorical = ["age"]
        let declared = key(config)
        #expect(Set([plain, bounded, declared]).count == 3)
        #expect(BaselineProfile.Inputs(head: config, naming: config, hashes: ["train": "a2", "holdout": "b2"])!.key != declared)
        #expect(BaselineProfile.Inputs(head: config, naming: config, hashes: [:]) == nil)
    }
}
