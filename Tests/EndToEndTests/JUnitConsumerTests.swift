import FixtureRepos
import Foundation
import Testing

/// The JUnit report as a widely used consumer reads it: Python's junitparser finds the same
/// counts as the JSON report.
@Suite struct JUnitConsumerTests {
    @Test(arguments: ["data-broken", "model-noisy-labels"])
    func junitparserCountsWhatTheJSONReports(scenario: String) throws {
        let temp = try TemporaryDirectory("junit")
        let built = try Scenario.named(scenario).build(at: temp.child("repo"))
        let run = try MLGateBinary.run(["check", "--junit", temp.child("j.xml"), "--json", temp.child("r.json")], in: built.path)
        #expect(run.status == 1)
        let reader = """
        import json, sys
        from junitparser import JUnitXml, Failure, Error, Skipped
        xml = JUnitXml.fromfile(sys.argv[1])
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for suite in xml:
            for case in suite:
                counts["tests"] += 1
                for result in case.result:
                    if isinstance(result, Failure): counts["failures"] += 1
                    elif isinstance(result, Error): counts["errors"] += 1
                    elif isinstance(result, Skipped): counts["skipped"] += 1
        report = json.load(open(sys.argv[2]))
        checks = [c for p in report["plugins"] for c in p["checks"]]
        expected = {"tests": len(checks), "failures": sum(c["status"] == "fail" for c in checks),
                    "errors": sum(c["status"] == "error" for c in checks), "skipped": sum(c["status"] == "skip" for c in checks)}
        print(json.dumps(counts) if counts == expected else f"MISMATCH {counts} {expected}")
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", reader, temp.child("j.xml"), temp.child("r.json")]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0 && text.hasPrefix("{\"tests\": "), "\(text)")
    }
}
