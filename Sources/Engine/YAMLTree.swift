import GateKit
import Yams

/// Turns Yams' nodes into `ConfigNode`s (with lines and key paths) and into JSON.
///
/// Both walks count the values they visit: YAML aliases let an 870-byte file name billions of
/// values (each alias repeating an anchor that repeats another), and a walk over them would run
/// for hours or exhaust memory. Past `limit` values the configuration is refused.
enum YAMLTree {
    /// More values than any real configuration holds; a few milliseconds to walk.
    static let limit = 100_000

    /// Values left to visit in one file's walks.
    final class Budget {
        var remaining = YAMLTree.limit
        let file: String
        init(file: String) { self.file = file }

        func spend(line: Int) throws(ConfigurationError) {
            remaining -= 1
            guard remaining >= 0 else {
                throw ConfigurationError(file: file, line: line, key: "",
                                         problem: "the configuration expands to more than \(YAMLTree.limit) values (YAML anchors and aliases repeating each other?); write it out without them")
            }
        }
    }

    static func node(_ yaml: Node, key: String, file: String, budget: Budget) throws(ConfigurationError) -> ConfigNode {
        let line = yaml.mark?.line ?? 0
        try budget.spend(line: line)
        switch yaml {
        case .scalar(let scalar):
            return ConfigNode(value: .scalar(scalar.string, plain: scalar.style == .plain), line: line, key: key, file: file)
        case .mapping(let mapping):
            var entries: [(key: String, line: Int, value: ConfigNode)] = []
            for (keyNode, value) in mapping {
                let name = keyNode.string ?? ""
                entries.append((name, keyNode.mark?.line ?? line, try node(value, key: key.isEmpty ? name : "\(key).\(name)", file: file, budget: budget)))
            }
            return ConfigNode(value: .mapping(entries), line: line, key: key, file: file)
        case .sequence(let sequence):
            var items: [ConfigNode] = []
            for (index, item) in sequence.enumerated() { items.append(try node(item, key: "\(key)[\(index)]", file: file, budget: budget)) }
            return ConfigNode(value: .sequence(items), line: line, key: key, file: file)
        case .alias:
            return ConfigNode(value: .scalar("", plain: true), line: line, key: key, file: file)
        }
    }

    /// A YAML node as JSON, scalars typed by YAML's core schema (a plugin's free-form settings).
    static func json(_ node: Node, budget: Budget) throws(ConfigurationError) -> JSONValue {
        try budget.spend(line: node.mark?.line ?? 0)
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
            var members: [(String, JSONValue)] = []
            for (key, value) in mapping { members.append((key.string ?? "", try json(value, budget: budget))) }
            return .object(members)
        case .sequence(let sequence):
            var items: [JSONValue] = []
            for item in sequence { items.append(try json(item, budget: budget)) }
            return .array(items)
        case .alias:
            return .null
        }
    }
}
