import CallPulseAudio
import CallPulseCore
import Foundation

/// `callpulse analyze` over many recordings: folders expanded to their `*.wav` files
/// (recursively, in path order), `jobs` files analysed at once, each result handed on in
/// input order as soon as it and every one before it are done. At most `window` results
/// wait at any time and each worker has one file open, so 10 000 files need neither 10 000
/// descriptors nor 10 000 summaries in memory.
final class ArchiveRun: @unchecked Sendable {
    enum Outcome {
        case summary(Summary)
        /// Already in the store (same content hash).
        case skipped
        case failed(WAVError)
    }

    /// The files named, folders replaced by their `*.wav` files (recursively, sorted), in
    /// argument order. A folder that cannot be read stays as it is: reading it fails as a file.
    static func expand(_ arguments: [String]) -> [String] {
        var files: [String] = []
        for argument in arguments {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), isDirectory.boolValue,
                  let enumerator = FileManager.default.enumerator(atPath: argument) else {
                files.append(argument)
                continue
            }
            var found: [String] = []
            while let relative = enumerator.nextObject() as? String {
                if relative.lowercased().hasSuffix(".wav") {
                    found.append((argument as NSString).appendingPathComponent(relative))
                }
            }
            files += found.sorted()
        }
        return files
    }

    let files: [String]
    let jobs: Int
    /// Results that may wait for an earlier file: workers pause beyond it.
    let window: Int
    private let work: @Sendable (String) -> Outcome
    private let condition = NSCondition()
    private var nextToStart = 0
    private var nextToDeliver = 0
    private var done: [Int: Outcome] = [:]

    init(files: [String], jobs: Int, work: @escaping @Sendable (String) -> Outcome) {
        self.files = files
        self.jobs = max(1, min(jobs, max(1, files.count)))
        window = 4 * self.jobs
        self.work = work
    }

    /// Runs the files; `deliver` is called on this thread, in input order.
    func run(deliver: (Int, String, Outcome) -> Void) {
        var threads: [Thread] = []
        for _ in 0..<jobs {
            let thread = Thread { [self] in worker() }
            thread.stackSize = 8 << 20
            threads.append(thread)
            thread.start()
        }
        for index in files.indices {
            condition.lock()
            while done[index] == nil { condition.wait() }
            let outcome = done.removeValue(forKey: index)!
            nextToDeliver = index + 1
            condition.broadcast()
            condition.unlock()
            deliver(index, files[index], outcome)
        }
    }

    private func worker() {
        while true {
            condition.lock()
            while nextToStart < files.count && nextToStart >= nextToDeliver + window { condition.wait() }
            guard nextToStart < files.count else {
                condition.unlock()
                return
            }
            let index = nextToStart
            nextToStart += 1
            condition.unlock()
            let outcome = work(files[index])
            condition.lock()
            done[index] = outcome
            condition.broadcast()
            condition.unlock()
        }
    }
}

/// The progress line of an archive run on a terminal's standard error: files done / total,
/// hours of audio, errors so far, time left (from the pace so far).
struct ArchiveProgress {
    let total: Int
    let startNs = DispatchTime.now().uptimeNanoseconds
    var done = 0
    var audioS = 0.0
    var errors = 0
    private var lastDrawNs: UInt64 = 0

    init(total: Int) { self.total = total }

    mutating func draw(force: Bool = false) {
        let now = DispatchTime.now().uptimeNanoseconds
        guard force || now - lastDrawNs > 200_000_000 else { return }
        lastDrawNs = now
        let elapsedS = Double(now - startNs) / 1e9
        let leftS = done > 0 ? elapsedS / Double(done) * Double(total - done) : 0
        let hours = String(format: "%.1f", audioS / 3600)
        let line = "\r\u{1B}[K\(done)/\(total) files · \(hours) h audio · \(errors) error\(errors == 1 ? "" : "s") · \(Int(leftS) / 60):\(String(format: "%02d", Int(leftS) % 60)) left"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func clear() { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
}
