import Foundation
import Testing
import FuzzTargets

/// Replays the seed corpus and every input the fuzzer once crashed on (fuzz/regressions) through
/// the same targets `scripts/fuzz.sh` fuzzes: each must now be read or rejected with a message.
@Suite struct FuzzRegressionTests {
    static let fuzzDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fuzz")

    static func inputs(_ kind: String, _ target: FuzzTarget) throws -> [URL] {
        let directory = fuzzDirectory.appendingPathComponent(kind).appendingPathComponent(target.rawValue)
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test(arguments: FuzzTarget.allCases)
    func seedCorpusIsReadOrRejected(target: FuzzTarget) throws {
        let files = try Self.inputs("corpus", target)
        #expect(files.count >= 10)
        for file in files { target.run([UInt8](try Data(contentsOf: file))) }
    }

    @Test(arguments: FuzzTarget.allCases)
    func crashesTheFuzzerFoundStayFixed(target: FuzzTarget) throws {
        for file in try Self.inputs("regressions", target) { target.run([UInt8](try Data(contentsOf: file))) }
    }
}
