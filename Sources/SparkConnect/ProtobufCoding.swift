import GRPCCore
import SwiftProtobuf

/// Protobuf messages to and from gRPC's bytes. Written here rather than taken from
/// grpc-swift-protobuf, whose package brings a protoc build plugin that compiles protobuf's C++
/// sources into every full build (minutes on a 2-core runner) for code we generate once.
struct ProtobufCoding<Message: SwiftProtobuf.Message & Sendable>: MessageSerializer, MessageDeserializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: Message) throws -> Bytes {
        let bytes: [UInt8] = try message.serializedBytes()
        return Bytes(bytes)
    }

    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> Message {
        try serializedMessageBytes.withUnsafeBytes { buffer in try Message(serializedBytes: buffer) }
    }
}
