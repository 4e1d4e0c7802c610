import ArgumentParser
import Engine
import Foundation

/// The command line. Parses options, hands them to the engine, maps outcomes to exit codes:
/// 0 passed, 1 gate failed, 2 could not run.
@main
struct MLGate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mlgate",
        abstract: "A CI gate for machine-learning pull requests.",
        discussion: """
        mlgate compares a pull request's head with its baseline (the merge-base with the target \
        branch), reads data and config straight from git, runs data-validation, model-evaluation, \
        behavioural and fairness checks, and writes JUnit, Markdown and JSON reports.

        Exit status: 0 every check passed, warned or was skipped; 1 a check failed or could not be \
        computed; 2 the gate could not run as asked (the message says why and how to fix it).
        """,
        version: Gate.version,
        subcommands: [Check.self, Plugins.self],
        defaultSubcommand: nil)

    /// ArgumentParser exits 64 on a bad flag; the contract says 2, with one line on stderr.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            let message = message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            Diagnostics.fail("\(message) (see `mlgate help`)")
        }
    }
}

/// Writes to stderr, which carries progress and errors; stdout carries only the summary.
enum Diagnostics {
    static func log(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// One line saying what is wrong, then exit 2.
    static func fail(_ message: String) -> Never {
        log("mlgate: error: \(message)")
        exit(2)
    }
}
