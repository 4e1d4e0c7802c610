import GateKit
import Testing
@testable import Behavioural

@Suite struct PerturbationTests {
    let table = try! TableReader.read(Array("x,c\n1,a\n2,b\n,a\n4,c\n".utf8), path: "t.csv")

    @Test func numericChangesKeepMissingValuesMissing() throws {
        let added = try Perturbation.apply(.add(10), to: "x", in: table, seed: 1).column("x")!.numericValues!
        #expect(added[0] == 11 && added[1] == 12 && added[2].isNaN && added[3] == 14)
        let scaled = try Perturbation.apply(.multiply(2), to: "x", in: table, seed: 1).column("x")!.numericValues!
        #expect(scaled[3] == 8)
        #expect(try Perturbation.apply(.set("7"), to: "x", in: table, seed: 1).column("x")!.numericValues! == [7, 7, 7, 7])
    }

    @Test func categoricalChangesRenameAndSet() throws {
        let replaced = try Perturbation.apply(.replace([("a", "b")]), to: "c", in: table, seed: 1).column("c")!
        #expect((0..<4).map { replaced.text(at: $0) } == ["b", "b", "b", "c"])
        let set = try Perturbation.apply(.set("z"), to: "c", in: table, seed: 1).column("c")!
        #expect((0..<4).map { set.text(at: $0) } == ["z", "z", "z", "z"])
    }

    @Test func shufflingIsASeededPermutation() throws {
        let once = try Perturbation.apply(.shuffle, to: "c", in: table, seed: 3).column("c")!
        let again = try Perturbation.apply(.shuffle, to: "c", in: table, seed: 3).column("c")!
        let texts = (0..<4).map { once.text(at: $0) }
        #expect(texts == (0..<4).map { again.text(at: $0) })
        #expect(texts.sorted() == ["a", "a", "b", "c"])
    }

    @Test func saysWhatCannotBeChanged() {
        #expect(throws: Perturbation.Failure.self) { try Perturbation.apply(.add(1), to: "c", in: table, seed: 1) }
        #expect(throws: Perturbation.Failure.self) { try Perturbation.apply(.add(1), to: "nope", in: table, seed: 1) }
    }
}
