import CLibgit2

/// A git object id (SHA-1), as a value.
public struct ObjectID: Hashable, Sendable, CustomStringConvertible {
    /// The 40 hexadecimal digits.
    public let hex: String

    init(_ oid: git_oid) {
        var oid = oid
        var buffer = [UInt8](repeating: 0, count: 40)
        buffer.withUnsafeMutableBufferPointer { raw in
            raw.withMemoryRebound(to: CChar.self) { _ = git_oid_fmt($0.baseAddress, &oid) }
        }
        hex = String(decoding: buffer, as: UTF8.self)
    }

    var raw: git_oid {
        var oid = git_oid()
        _ = hex.withCString { git_oid_fromstr(&oid, $0) }
        return oid
    }

    public var short: String { String(hex.prefix(12)) }
    public var description: String { hex }
}
