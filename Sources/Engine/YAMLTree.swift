import GateKit
import Yams

/// Turns Yams' nodes into `ConfigNode`s (with lines and key paths) and into JSON.
enum YAMLTree {
    static func node(_ yaml: Node, key: String, file: String) -> ConfigNode {
        let line = yaml.mark?.line ?? 0
        switch yaml {
        case .scalar(let scalar):
            return ConfigNode(value: .scalar(scalar.string, plain: scalar.style == .plain), line: line, key: key, file: file)
        case .mapping(let mapping):
            let entries = mapping.map { keyNode, value -> (key: String, line: Int, value: ConfigNode) in
                let name = keyNode.string ?? ""
                return (name, keyNode.mark?.line ?? line, node(value, key: key.isEmpty ? name : "\(key).\(name)", file: file))
            }
            return ConfigNode(value: .mapping(entries), line: line, key: key, file: file)
        case .sequence(let sequence):
            return ConfigNode(value: .sequence(sequence.enumerated().map { node($1, key: "\(key)[\($0)]", file: file) }), line: line, key: key, file: file)
        case .alias:
            return ConfigNode(value: .scalar("", plain: true), line: line, key: key, file: file)
        }
    }

    /// A YAML node as JSON, scalars typed by YAML's core schema (a plugin's free-form settings).
    static func json(_ node: Node) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain {
                if node.null != nil { return .null }
                if let bool = node.bool { return .bool(bool) }
                if let int = node.int { return .number(Double(int)) }
                if let double = node.float { return .number(double) }
            }
            return .string(scalar.string)
        case .mapping(let mapping):
            return .object(mapping.map { (key, value) in (key.string ?? "", json(value)) })
        case .sequence(let sequence):
            return .array(sequence.map(json))
        case .alias:
            return .null
        }
    }
}
