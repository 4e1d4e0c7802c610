import ArgumentParser
import CMemoryTuning
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
        behavioural and fairness checks, explains what changed, and writes JUnit, Markdown, JSON and HTML reports.

        Exit status: 0 every check passed, warned or was skipped; 1 a check failed or could not be \
        computed; 2 the gate could not run as asked (the message says why and how to fix it).
        """,
        version: Gate.version,
        subcommands: [Check.self, Init.self, Plugins.self, InstallHook.self, Merge.self],
        defaultSubcommand: nil)

    /// ArgumentParser exits 64 on a bad flag; the contract says 2, with one line on stderr.
    static func main() {
        mlgate_retain_freed_memory()
        let status = runToCompletion()
        Foundation.exit(status)
    }

    /// Runs the command and returns its exit status; everything it allocated is released
    /// before the process exits.
    private static func runToCompletion() -> Int32 {
        do {
            var command = try parseAsRoot()
            try command.run()
            return 0
        } catch let exit as ExitCode {
            return exit.rawValue
        } catch let error as CannotRun {
            Diagnostics.log("mlgate: error: \(error.message)")
            return 2
        } catch {
            if exitCode(for: error) == .success {
                print(fullMessage(for: error))
                return 0
            }
            let message = message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            Diagnostics.log("mlgate: error: \(message) (see `mlgate help`)")
            return 2
        }
    }
}

/// The gate could not run as asked: exit 2 with this one line.
struct CannotRun: Error {
    let message: String
}

/// Writes to stderr, which carries progress and errors; stdout carries only the summary.
enum Diagnostics {
    static func log(_ text: String) {
        write(text + "\n")
    }

    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
