import Foundation

/// Every file below a folder (a repository's .git included) with its permissions, modification
/// time and content: taken before and after a run, equal snapshots show that nothing changed.
public enum DirectorySnapshot {
    public static func take(_ root: String) throws -> [String: String] {
        var result: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let relative = enumerator?.nextObject() as? String {
            let path = root + "/" + relative
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            let mode = attributes[.posixPermissions] as? Int ?? 0
            let content = (try? Data(contentsOf: URL(fileURLWithPath: path)))?.base64EncodedString() ?? "dir"
            result[relative] = "\(mode) \(modified) \(content)"
        }
        return result
    }
}
