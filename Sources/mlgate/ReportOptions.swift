import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
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
        } catch let error as CannotRun {
            throw error
        } catch {
            throw CannotRun(message: "could not write a report: \(error)")
        }
    }

    struct LinkedPath: Error, CustomStringConvertible {
        let path: String
        let link: String
        var description: String { "\(path): \(link) is a symbolic link; mlgate never writes a report through one (a pull request can commit links): choose a path without links" }
    }

    /// Writes a report file, never through a symbolic link: a link a pull request committed
    /// (`report-dir -> ~/.ssh`) must not let the report land outside the folder asked for.
    private static func write(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        // Links a checkout can hold are below the current directory (the repository, in CI):
        // every existing component there is checked; the file itself is opened O_NOFOLLOW.
        let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.path
        if url.path.hasPrefix(here + "/") {
            var prefix = here
            for component in url.path.dropFirst(here.count + 1).split(separator: "/") {
                prefix += "/" + component
                var info = stat()
                if lstat(prefix, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK { throw LinkedPath(path: path, link: prefix) }
            }
        }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            if errno == ELOOP { throw LinkedPath(path: path, link: url.path) }
            throw CannotRun(message: "could not write \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, bytes.count - written) }
            guard n > 0 else { throw CannotRun(message: "could not write \(path): \(String(cString: strerror(errno)))") }
            written += n
        }
    }
}
