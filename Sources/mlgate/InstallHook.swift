import ArgumentParser
import Engine
import Foundation

struct InstallHook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install-hook",
        abstract: "Install a git pre-push hook that runs the gate against the branch's upstream.")

    @Option(help: ArgumentHelp("A folder inside the repository.", valueName: "dir"))
    var repo: String?

    @Flag(help: "Replace a pre-push hook that mlgate did not write.")
    var force = false

    func run() throws {
        // The hook runs this very binary, by its absolute path.
        let argument0 = CommandLine.arguments[0]
        let executable = argument0.contains("/")
            ? URL(fileURLWithPath: argument0, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL.path
            : "mlgate"
        do {
            let path = try HookInstaller().install(repository: repo ?? FileManager.default.currentDirectoryPath, executable: executable, force: force)
            print("installed \(path): every push now runs `mlgate check` first (skip once with `git push --no-verify`)")
        } catch {
            throw CannotRun(message: error.description)
        }
    }
}
