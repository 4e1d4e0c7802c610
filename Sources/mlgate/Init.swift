import ArgumentParser
import Engine
import Foundation
import GateKit

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write mlgate.yml inferred from the data committed at HEAD.",
        discussion: """
        Infers the task, the target, id-like columns to ignore, protected attributes, and a schema \
        (types, observed ranges with a margin, allowed categories, null limits) on which \
        `mlgate check` passes for the same data. Refuses to overwrite an existing file without --force.
        """)

    @Option(help: ArgumentHelp("A folder inside the repository.", valueName: "dir"))
    var repo: String?

    @Option(help: ArgumentHelp("The training data, then optionally the holdout (repeat the option).", valueName: "path"))
    var data: [String] = []

    @Option(help: ArgumentHelp("The label column (default: target, label, y, class, outcome, or the last column).", valueName: "column"))
    var target: String?

    @Option(help: ArgumentHelp("binary, multiclass or regression (default: inferred from the label).", valueName: "kind"))
    var task: String?

    @Flag(help: "Overwrite an existing mlgate.yml.")
    var force = false

    func validate() throws {
        if let task, TaskKind(rawValue: task) == nil { throw ValidationError("--task must be binary, multiclass or regression") }
    }

    func run() throws {
        var options = ProjectInitializer.Options(repository: repo ?? FileManager.default.currentDirectoryPath)
        options.data = data
        options.target = target
        options.task = task.flatMap(TaskKind.init(rawValue:))
        options.force = force
        do {
            let outcome = try ProjectInitializer().run(options)
            print("wrote \(outcome.path)")
            for note in outcome.notes { print("  \(note)") }
            print("review it, commit it, then run `mlgate check`")
        } catch {
            throw CannotRun(message: error.description)
        }
    }
}
