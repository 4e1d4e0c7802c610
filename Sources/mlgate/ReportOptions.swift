import ArgumentParser
import Foundation
import GateKit
import Reports

/// The report files a command writes (`check`, `merge`), and writing them.
struct ReportOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Write JUnit XML here.", valueName: "file"))
    var junit: String?

    @Option(help: ArgumentHelp("Write GitHub-flavoured Markdown here.", valueName: "file"))
    var markdown: String?

    @Option(help: ArgumentHelp("Write the JSON report here.", valueName: "file"))
    var json: String?

    @Option(help: ArgumentHelp("Write a self-contained HTML report here.", valueName: "file"))
    var html: String?

    /// True when no report file was asked for (a summary goes to stdout instead).
    var none: Bool { json == nil && junit == nil && markdown == nil && html == nil }

    func write(_ report: GateReport) throws(CannotRun) {
        do {
            if let json { try Self.write(Array(JSONReport.render(report).utf8), to: json) }
            if let junit { try Self.write(JUnitReport.render(report), to: junit) }
            if let markdown { try Self.write(Array(MarkdownReport.render(report).utf8), to: markdown) }
            if let html { try Self.write(Array(HTMLReport.render(report).utf8), to: html) }
        } catch {
            throw CannotRun(message: "could not write a report: \(error)")
        }
    }

    private static func write(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }
}
