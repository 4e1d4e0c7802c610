/// A buffer handed to the threads of one parallel step, each writing only its own elements
/// (or all only reading): what makes that safe is the step's partition of indices, which the
/// compiler cannot see, hence `@unchecked`.
public struct SharedBuffer<Element>: @unchecked Sendable {
    public let buffer: UnsafeMutableBufferPointer<Element>
    public init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}
