import Foundation
import GitRepository

/// `mlgate install-hook`: a git pre-push hook that runs the gate against the branch's upstream
/// (or the default base when the branch has none yet), so a push whose head fails stops.
public struct HookInstaller {
    /// The first lines of every hook mlgate writes: how it recognises its own.
    public static let marker = "# installed by mlgate install-hook"

    public init() {}

    /// Writes `hooks/pre-push` in the repository's common git directory.
    ///
    /// - Parameters:
    ///   - executable: the mlgate binary the hook runs (`$MLGATE` overrides it at push time).
    ///   - force: replace a pre-push hook that mlgate did not write.
    /// - Returns: the hook's path.
    public func install(repository path: String, executable: String, force: Bool) throws(GateError) -> String {
        let repository: Repository
        do { repository = try Repository.discover(from: path) } catch { throw .git(error) }
        let hooks = URL(fileURLWithPath: repository.commonDirectory).appendingPathComponent("hooks")
        let hook = hooks.appendingPathComponent("pre-push")
        if let existing = try? String(contentsOf: hook, encoding: .utf8), !existing.contains(Self.marker), !force {
            throw .usage("\(hook.path) exists and was not written by mlgate; pass --force to replace it (or call mlgate from it yourself)")
        }
        let script = """
        #!/bin/sh
        \(Self.marker): runs the ML gate before every push.
        # A failing gate (exit 1) or one that cannot run (exit 2) stops the push; `git push --no-verify` skips it.
        mlgate="${MLGATE:-\(Self.quoted(executable))}"
        if ! command -v "$mlgate" >/dev/null 2>&1; then mlgate=mlgate; fi
        if git rev-parse --verify --quiet '@{upstream}' >/dev/null 2>&1; then
            exec "$mlgate" check --base '@{upstream}'
        fi
        exec "$mlgate" check

        """
        do {
            try FileManager.default.createDirectory(at: hooks, withIntermediateDirectories: true)
            try Data(script.utf8).write(to: hook)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook.path)
        } catch {
            throw .usage("cannot write \(hook.path): \(error.localizedDescription)")
        }
        return hook.path
    }

    /// A path as a double-quoted shell word.
    static func quoted(_ path: String) -> String {
        path.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "$", with: "\\$").replacingOccurrences(of: "`", with: "\\`")
    }
}
