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

    @Option(help: ArgumentHelp("Write JUnit XML here.", valueName: "file"))
    var junit: String?

    @Option(help: ArgumentHelp("Write GitHub-flavoured Markdown here.", valueName: "file"))
    var markdown: String?

    @Option(help: ArgumentHelp("Write the merged JSON report here.", valueName: "file"))
    var json: String?

    @Option(help: ArgumentHelp("Write a self-contained HTML report here.", valueName: "file"))
    var html: String?

    func run() throws {
        var shards: [GateReport] = []
        for path in reports {
            guard let data = FileManager.default.contents(atPath: path) else { throw CannotRun(message: "cannot read \(path)") }
            do { shards.append(try JSONReport.parse([UInt8](data), name: path)) } catch { throw CannotRun(message: error.description) }
        }
        let report: GateReport
        do { report = try GateReport.merging(shards) } catch { throw CannotRun(message: error.description) }
        do {
            if let json { try Data(JSONReport.render(report).utf8).write(to: URL(fileURLWithPath: json)) }
            if let junit { try Data(try JUnitReport.render(report)).write(to: URL(fileURLWithPath: junit)) }
            if let markdown { try Data(MarkdownReport.render(report).utf8).write(to: URL(fileURLWithPath: markdown)) }
            if let html { try Data(HTMLReport.render(report).utf8).write(to: URL(fileURLWithPath: html)) }
        } catch {
            throw CannotRun(message: "could not write a report: \(error)")
        }
        if json == nil && junit == nil && markdown == nil && html == nil { print(TextSummary.render(report), terminator: "") }
        throw ExitCode(report.exitCode)
    }
}
