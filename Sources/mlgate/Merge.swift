import ArgumentParser
import Foundation
import GateKit
import Reports

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join the JSON reports of a sharded run (--shard I/N) into one set of reports.",
        discussion: "Exit status as `mlgate check`: 0 passed, 1 a check failed, 2 the reports cannot be merged.")

    @Argument(help: ArgumentHelp("The shards' JSON reports.", valueName: "report.json"))
    var reports: [String]

    @OptionGroup var output: ReportOptions

    func run() throws {
        var shards: [GateReport] = []
        for path in reports {
            guard let data = FileManager.default.contents(atPath: path) else { throw CannotRun(message: "cannot read \(path)") }
            do { shards.append(try JSONReport.parse([UInt8](data), name: path)) } catch { throw CannotRun(message: error.description) }
        }
        let report: GateReport
        do { report = try GateReport.merging(shards) } catch { throw CannotRun(message: error.description) }
        try output.write(report)
        if output.none { print(TextSummary.render(report), terminator: "") }
        throw ExitCode(report.exitCode)
    }
}
