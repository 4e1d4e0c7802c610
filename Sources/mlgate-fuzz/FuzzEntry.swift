import Foundation
import FuzzTargets

#if MLGATE_FUZZING
/// The target this process fuzzes, from MLGATE_FUZZ_TARGET (csv, tsv, jsonl or config).
let selectedTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["MLGATE_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        FileHandle.standardError.write(Data("set MLGATE_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
        exit(2)
    }
    return target
}()

// Built by scripts/fuzz.sh with -sanitize=fuzzer. libFuzzer's main calls LLVMFuzzerTestOneInput;
// SwiftPM also points `main` at `<module>_main` (so that tests can import executables), and
// whichever of the two the linker keeps, the input goes to the selected target.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    selectedTarget.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}

typealias FuzzInput = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ input: FuzzInput) -> CInt

@_cdecl("mlgate_fuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    _ = selectedTarget
    return runFuzzerDriver(&count, &arguments, fuzzOneInput)
}
#else
/// Without the fuzzer: `mlgate-fuzz TARGET FILE...` replays inputs (a crash the fuzzer found, say).
@main struct Replay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("usage: mlgate-fuzz csv|tsv|jsonl|config FILE...\n".utf8))
            exit(2)
        }
        for path in arguments.dropFirst() {
            guard let bytes = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
                exit(2)
            }
            target.run([UInt8](bytes))
            print("\(path): ok")
        }
    }
}
#endif
