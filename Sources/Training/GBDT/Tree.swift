/// One regression tree over binned features.
///
/// Internal nodes send a row left when its bin is ≤ `threshold` (numeric) or in `leftBins`
/// (categorical); the missing bin goes where `missingLeft` says. Leaves hold the value
/// added to the raw score, the learning rate already applied.
public struct Tree: Sendable, Equatable, Codable {
    public struct Node: Sendable, Equatable, Codable {
        public var feature: Int
        public var threshold: Int
        /// Categorical splits: the bins that go left (a 256-bit set).
        public var leftBins: [UInt64]?
        public var missingLeft: Bool
        public var left: Int
        public var right: Int
        public var gain: Double
        /// Training rows that reached this node: the cover TreeSHAP weighs paths by.
        public var count: Int

        public init(feature: Int, threshold: Int, leftBins: [UInt64]? = nil, missingLeft: Bool, left: Int, right: Int, gain: Double = 0, count: Int) {
            self.feature = feature
            self.threshold = threshold
            self.leftBins = leftBins
            self.missingLeft = missingLeft
            self.left = left
            self.right = right
            self.gain = gain
            self.count = count
        }
    }

    public init(nodes: [Node] = [], leafValues: [Double] = [], leafCounts: [Int] = []) {
        self.nodes = nodes
        self.leafValues = leafValues
        self.leafCounts = leafCounts
    }

    /// Internal nodes; child indices ≥ 0 name nodes, negative ones name leaves as ~index.
    public var nodes: [Node] = []
    public var leafValues: [Double] = []
    /// Training rows in each leaf.
    public var leafCounts: [Int] = []

    /// Whether a row whose bin is `bin` goes left at `node`.
    @inline(__always)
    static func goesLeft(_ node: Node, bin b: Int, missingBin: Int) -> Bool {
        if b == missingBin { return node.missingLeft }
        if let set = node.leftBins { return set[b >> 6] & (1 << UInt64(b & 63)) != 0 }
        return b <= node.threshold
    }

    /// The leaf a row lands in, given its bin for each feature.
    @inline(__always)
    func leaf(_ bin: (Int) -> Int, missingBins: [Int]) -> Int {
        guard !nodes.isEmpty else { return 0 }
        var index = 0
        while true {
            let node = nodes[index]
            let next = Self.goesLeft(node, bin: bin(node.feature), missingBin: missingBins[node.feature]) ? node.left : node.right
            if next < 0 { return ~next }
            index = next
        }
    }
}
