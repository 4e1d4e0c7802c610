import FixtureRepos
import Foundation

// Builds a fixture scenario as a real git repository, for the README's demo and for trying
// mlgate by hand:  mlgate-fixture fixtures/SCENARIO DESTINATION [--detached]
let arguments = CommandLine.arguments.dropFirst()
let positional = arguments.filter { !$0.hasPrefix("--") }
guard positional.count == 2 else {
    FileHandle.standardError.write(Data("usage: mlgate-fixture fixtures/SCENARIO DESTINATION [--detached]\n".utf8))
    exit(2)
}
let source = URL(fileURLWithPath: positional[positional.startIndex])
let destination = positional[positional.index(after: positional.startIndex)]
do {
    if FileManager.default.fileExists(atPath: destination) {
        FileManager.default.fputs("mlgate-fixture: \(destination) exists; choose a new folder\n")
        exit(2)
    }
    let scenario = try Scenario(directory: source)
    let built = try scenario.build(at: destination, options: .init(detachedHead: arguments.contains("--detached")))
    print("built \(scenario.name) at \(built.path): main \(built.mainTip.prefix(8)), feature \(built.headCommit.prefix(8)) — \(scenario.description)")
} catch {
    FileManager.default.fputs("mlgate-fixture: \(error)\n")
    exit(2)
}

extension FileManager {
    func fputs(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}
