import FixtureRepos
import Foundation
import Testing

/// Every report format of two scenarios, byte for byte against the files under `Snapshots/`
/// (durations aside). `MLGATE_RECORD_SNAPSHOTS=1 swift test --filter ReportSnapshot` records
/// them anew, and the test then fails so that a recording is never mistaken for a pass.
@Suite struct ReportSnapshotTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    static let formats = [("json", "report.json"), ("junit", "junit.xml"), ("markdown", "report.md"), ("html", "report.html"), ("annotations", "annotations.txt")]

    /// Durations are the one thing that differs between runs.
    static func normalised(_ text: String) -> String {
        text.replacingOccurrences(of: #""duration_seconds": [0-9.e-]+"#, with: #""duration_seconds": 0"#, options: .regularExpression)
            .replacingOccurrences(of: #"time="[0-9.]+""#, with: #"time="0""#, options: .regularExpression)
            .replacingOccurrences(of: #"· [0-9.]+ s<"#, with: "· 0 s<", options: .regularExpression)
    }

    @Test(arguments: ["data-broken", "model-noisy-labels"])
    func reportsAreAsRecorded(_ scenario: String) throws {
        let temp = try TemporaryDirectory("snapshot")
        let built = try Scenario.named(scenario).build(at: temp.child("repo"))
        let out = temp.child("out")
        let run = try MLGateBinary.run(["check"] + Self.formats.flatMap { ["--\($0.0)", out + "/" + $0.1] }, in: built.path)
        #expect(run.status == 1, "\(run.stderr)")
        let folder = Self.directory.appendingPathComponent(scenario)
        let record = ProcessInfo.processInfo.environment["MLGATE_RECORD_SNAPSHOTS"] == "1"
        for (_, file) in Self.formats {
            let produced = Self.normalised(try String(contentsOfFile: out + "/" + file, encoding: .utf8))
            let snapshot = folder.appendingPathComponent(file)
            if record {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                try produced.write(to: snapshot, atomically: true, encoding: .utf8)
                Issue.record("recorded \(scenario)/\(file); run the tests again without MLGATE_RECORD_SNAPSHOTS")
                continue
            }
            let expected = try String(contentsOf: snapshot, encoding: .utf8)
            guard produced != expected else { continue }
            let a = expected.split(separator: "\n", omittingEmptySubsequences: false), b = produced.split(separator: "\n", omittingEmptySubsequences: false)
            let line = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
            Issue.record("\(scenario)/\(file) differs from its snapshot at line \(line + 1):\n- \(line < a.count ? a[line] : "")\n+ \(line < b.count ? b[line] : "")")
        }
    }
}
