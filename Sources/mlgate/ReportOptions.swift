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

    @Option(help: ArgumentHelp("Write GitHub workflow commands (::error / ::warning, one per failing or warning check) here.", valueName: "file"))
    var annotations: String?

    /// The files asked for, by reporter format.
    var requested: [String: String] {
        ["junit": junit, "markdown": markdown, "json": json, "html": html, "annotations": annotations].compactMapValues { $0 }
    }

    /// True when no report file was asked for (a summary goes to stdout instead).
    var none: Bool { requested.isEmpty }

    func write(_ report: GateReport) throws(CannotRun) {
        let requested = self.requested
        do {
            for reporter in Reporters.all {
                guard let path = requested[reporter.format] else { continue }
                try Self.write(try reporter.render(report), to: path)
            }
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
