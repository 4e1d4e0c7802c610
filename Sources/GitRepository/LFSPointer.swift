/// A Git LFS pointer file (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md).
///
/// Repositories keep large data in LFS; the blob in git is then a tiny text file naming the
/// object by its SHA-256, and the content lives in `.git/lfs/objects/OID[0..2]/OID[2..4]/OID`.
public struct LFSPointer: Equatable, Sendable {
    public let oid: String
    public let size: Int

    static let header = Array("version https://git-lfs.github.com/spec/v1\n".utf8)
    /// Pointers are under 1 KiB by spec: a larger blob is never one.
    public static let maximumSize = 1024

    /// Parses `bytes` as a pointer; nil when they are not one. Pointers are under 1 KiB by spec.
    public init?(_ bytes: [UInt8]) {
        guard bytes.count < Self.maximumSize, bytes.starts(with: Self.header),
              let text = String(validating: bytes, as: UTF8.self) else { return nil }
        var oid: String?
        var size: Int?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("oid sha256:") {
                let hex = line.dropFirst("oid sha256:".count)
                if hex.count == 64, hex.allSatisfy(\.isHexDigit) { oid = String(hex) }
            } else if line.hasPrefix("size ") {
                size = Int(line.dropFirst(5))
            }
        }
        guard let oid, let size else { return nil }
        self.oid = oid
        self.size = size
    }

    /// Where the object lives below a repository's common git directory.
    public func objectPath(commonDirectory: String) -> String {
        let dir = commonDirectory.hasSuffix("/") ? commonDirectory : commonDirectory + "/"
        let a = oid.prefix(2), b = oid.dropFirst(2).prefix(2)
        return "\(dir)lfs/objects/\(a)/\(b)/\(oid)"
    }
}
