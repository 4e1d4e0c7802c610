import Foundation
import GateKit
import Yams

/// Data files DVC tracks: git holds a pointer (`NAME.dvc` beside the file, or a stage output in
/// `dvc.lock`) naming the content by its MD5, and the content sits in the local DVC cache. At
/// each revision the pointer is read from that revision's tree, so a PR that changes the data
/// compares the two contents, as a PR that changes a committed CSV does. No DVC install needed.
///
/// Cache layouts: DVC 3 (`.dvc/cache/files/md5/ab/cdef…`) and DVC 2 (`.dvc/cache/ab/cdef…`),
/// under `cache.dir` when `.dvc/config` (or `config.local`) sets one. A directory output's
/// `.dir` manifest (JSON: `md5` and `relpath` of each file) resolves the files inside it.
struct DVCTracking {
    /// A tracked file's content in the cache.
    struct Content {
        /// The file in the DVC cache holding the content.
        let path: String
        let size: Int
        /// `dvc-md5:…`: its cache key, as a blob id is a git file's.
        let id: String
    }

    /// The repository's working directory (where `.dvc/` is).
    let root: String
    /// Reads a file at the revision being resolved (the pointers are read from its tree).
    let read: (String) throws(GateError) -> [UInt8]?
    /// How messages name the revision.
    let revision: String

    /// `path`'s content when DVC tracks it at this revision; nil when nothing points at it.
    func resolve(_ path: String) throws(GateError) -> Content? {
        // A pointer beside the file, or one for a directory holding it.
        var components = path.split(separator: "/").map(String.init)
        var inside: [String] = []
        while !components.isEmpty {
            let tracked = components.joined(separator: "/")
            if let pointer = try read(tracked + ".dvc") {
                let name = components.last!
                guard let out = try outputs(pointer, file: tracked + ".dvc").first(where: { $0.path == name }) else {
                    throw .usage("\(tracked).dvc@\(revision) does not list '\(name)' among its outs; run `dvc add \(tracked)` again")
                }
                return try content(out, within: inside, pointer: tracked + ".dvc", tracked: path)
            }
            inside.insert(components.removeLast(), at: 0)
        }
        // A stage output in dvc.lock at the root.
        if let lock = try read("dvc.lock") {
            for out in try lockOutputs(lock) {
                if out.path == path { return try content(out, within: [], pointer: "dvc.lock", tracked: path) }
                if path.hasPrefix(out.path + "/") {
                    let rest = String(path.dropFirst(out.path.count + 1)).split(separator: "/").map(String.init)
                    return try content(out, within: rest, pointer: "dvc.lock", tracked: path)
                }
            }
        }
        return nil
    }

    struct Output {
        let path: String
        let md5: String
        /// DVC 3 writes `hash: md5` (the files/md5 layout); DVC 2 does not.
        let version3: Bool
    }

    private func yaml(_ bytes: [UInt8], file: String) throws(GateError) -> ConfigNode {
        let text = String(decoding: bytes, as: UTF8.self)
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            throw .usage("\(file)@\(revision) is not a DVC pointer: it is not YAML (\(error)); restore it with `git checkout -- \(file)` or `dvc add` the file again")
        }
        guard let node else { throw .usage("\(file)@\(revision) is empty; `dvc add` the file again") }
        do { return try YAMLTree.node(node, key: "", file: "\(file)@\(revision)", budget: YAMLTree.Budget(file: file)) } catch {
            throw .configuration(error)
        }
    }

    private func outputs(_ bytes: [UInt8], file: String) throws(GateError) -> [Output] {
        let root = try yaml(bytes, file: file)
        guard case .mapping(let entries) = root.value, let outs = entries.first(where: { $0.key == "outs" })?.value,
              case .sequence(let items) = outs.value else {
            throw .usage("\(file)@\(revision) is not a DVC pointer: it has no `outs:` list; `dvc add` the file again")
        }
        return try items.map { item throws(GateError) in try output(item, file: file) }
    }

    private func lockOutputs(_ bytes: [UInt8]) throws(GateError) -> [Output] {
        let root = try yaml(bytes, file: "dvc.lock")
        guard case .mapping(let entries) = root.value, let stages = entries.first(where: { $0.key == "stages" })?.value,
              case .mapping(let named) = stages.value else { return [] }
        var found: [Output] = []
        for (_, _, stage) in named {
            guard case .mapping(let fields) = stage.value, let outs = fields.first(where: { $0.key == "outs" })?.value,
                  case .sequence(let items) = outs.value else { continue }
            for item in items { found.append(try output(item, file: "dvc.lock")) }
        }
        return found
    }

    private func output(_ node: ConfigNode, file: String) throws(GateError) -> Output {
        guard case .mapping(let fields) = node.value else { throw .usage("\(file)@\(revision): an entry of `outs:` is not a mapping") }
        func field(_ name: String) -> String? {
            guard let value = fields.first(where: { $0.key == name })?.value, case .scalar(let text, _) = value.value else { return nil }
            return text
        }
        guard let path = field("path"), !path.isEmpty else { throw .usage("\(file)@\(revision): an output names no `path`") }
        guard let md5 = field("md5") else {
            throw .usage("\(file)@\(revision): output '\(path)' names no md5 hash (only md5-hashed outputs are read); run `dvc commit`")
        }
        guard Self.isMD5(md5.hasSuffix(".dir") ? String(md5.dropLast(4)) : md5) else {
            throw .usage("\(file)@\(revision): output '\(path)' has md5 '\(md5)', which is not 32 hex digits; the pointer is damaged")
        }
        return Output(path: path.hasPrefix("./") ? String(path.dropFirst(2)) : path, md5: md5.lowercased(), version3: field("hash") == "md5")
    }

    /// A hash becomes a path in the cache: only 32 hex digits may, nothing that walks.
    static func isMD5(_ text: String) -> Bool { text.utf8.count == 32 && text.allSatisfy(\.isHexDigit) }

    /// The cache file of `out` (or of the file at `within` inside it, for a directory output).
    private func content(_ out: Output, within: [String], pointer: String, tracked: String) throws(GateError) -> Content {
        if out.md5.hasSuffix(".dir") {
            guard !within.isEmpty else {
                throw .usage("\(tracked) is a directory DVC tracks (\(pointer)); name a file inside it in mlgate.yml")
            }
            let manifest = try cacheFile(out.md5, version3: out.version3, pointer: pointer, tracked: tracked)
            guard let data = FileManager.default.contents(atPath: manifest.path),
                  let entries = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
                throw .usage("the DVC directory manifest \(manifest.path) for \(tracked) is not a JSON list; run `dvc pull` again")
            }
            let relative = within.joined(separator: "/")
            guard let entry = entries.first(where: { ($0["relpath"] as? String) == relative }), let md5 = entry["md5"] as? String else {
                throw .missingDataFile(key: "data", path: tracked, revision: revision)
            }
            guard Self.isMD5(md5) else {
                throw .usage("the DVC directory manifest for \(tracked) gives '\(relative)' the md5 '\(md5)', not 32 hex digits; it is damaged")
            }
            return try cacheFile(md5.lowercased(), version3: out.version3, pointer: pointer, tracked: tracked)
        }
        guard within.isEmpty else { throw .usage("\(pointer)@\(revision) tracks '\(out.path)' as a file, not a directory holding \(tracked)") }
        return try cacheFile(out.md5, version3: out.version3, pointer: pointer, tracked: tracked)
    }

    private func cacheFile(_ md5: String, version3: Bool, pointer: String, tracked: String) throws(GateError) -> Content {
        let cache = cacheDirectory()
        let head = String(md5.prefix(2)), tail = String(md5.dropFirst(2))
        let layouts = [cache + "/files/md5/" + head + "/" + tail, cache + "/" + head + "/" + tail]
        for candidate in version3 ? layouts : layouts.reversed() {
            var info = stat()
            if stat(candidate, &info) == 0, info.st_mode & S_IFMT == S_IFREG {
                return Content(path: candidate, size: Int(info.st_size), id: "dvc-md5:" + md5)
            }
        }
        throw .usage("\(tracked) is tracked by DVC (\(pointer)@\(revision), md5 \(md5.prefix(12))…) but its content is not in the DVC cache (\(cache)); run `dvc pull`, or `dvc fetch --rev <commit>` for the baseline's copy")
    }

    /// `.dvc/cache`, or the `dir` of `[cache]` in `.dvc/config.local` or `.dvc/config`
    /// (relative to `.dvc/`, as DVC reads it).
    func cacheDirectory() -> String {
        for name in ["config.local", "config"] {
            guard let text = try? String(contentsOfFile: root + "/.dvc/" + name, encoding: .utf8) else { continue }
            var section = ""
            for raw in text.split(whereSeparator: \.isNewline) {
                let line = raw.trimmingCharacters(in: .whitespaces)
                if line.hasPrefix("[") { section = line.trimmingCharacters(in: CharacterSet(charactersIn: "[] ")).lowercased(); continue }
                guard section == "cache", let equals = line.firstIndex(of: "=") else { continue }
                let key = line[..<equals].trimmingCharacters(in: .whitespaces), value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
                if key == "dir", !value.isEmpty { return value.hasPrefix("/") ? value : root + "/.dvc/" + value }
            }
        }
        return root + "/.dvc/cache"
    }
}
