import GateKit

/// One report format: what a `--FORMAT FILE` option writes.
public protocol Reporter: Sendable {
    /// The option's name (`json` for `--json FILE`).
    var format: String { get }
    /// One line for the option's help.
    var summary: String { get }
    func render(_ report: GateReport) throws -> [UInt8]
}

/// The report formats, in the order they are written.
public enum Reporters {
    public static let all: [any Reporter] = [
        FormatReporter(format: "junit", summary: "JUnit XML (for CI test tabs)") { try JUnitReport.render($0) },
        FormatReporter(format: "markdown", summary: "GitHub-flavoured Markdown (PR comment, job summary)") { Array(MarkdownReport.render($0).utf8) },
        FormatReporter(format: "json", summary: "the JSON report (mlgate.report/v1)") { Array(JSONReport.render($0).utf8) },
        FormatReporter(format: "html", summary: "one self-contained HTML page") { Array(HTMLReport.render($0).utf8) },
        FormatReporter(format: "annotations", summary: "GitHub workflow commands: an ::error or ::warning line per failing or warning check") {
            Array(GitHubAnnotations.render($0).utf8)
        },
    ]

    public static func named(_ format: String) -> (any Reporter)? { all.first { $0.format == format } }
}

/// A reporter from a render function.
public struct FormatReporter: Reporter {
    public let format: String
    public let summary: String
    let renderer: @Sendable (GateReport) throws -> [UInt8]

    public init(format: String, summary: String, render: @escaping @Sendable (GateReport) throws -> [UInt8]) {
        self.format = format
        self.summary = summary
        self.renderer = render
    }

    public func render(_ report: GateReport) throws -> [UInt8] { try renderer(report) }
}
