import CBudget
#if canImport(Glibc)
import Glibc
#endif

/// Element types a tensor can hold: features (float32), labels and indices
/// (int32), pixels (uint8).
public enum DType: String, CaseIterable, Sendable {
    case float32, int32, uint8

    public var byteWidth: Int {
        switch self {
        case .float32, .int32: return 4
        case .uint8: return 1
        }
    }
}

/// A contiguous, zero-initialised block of memory shared by tensors that view it.
/// `calloc` maps large blocks lazily, and reports failure instead of trapping;
/// every block is charged to the process's `MemoryBudget` while it lives.
public final class TensorStorage {
    public let base: UnsafeMutableRawPointer
    public let byteCount: Int

    /// The machine's memory. A block larger than this is refused up front: Linux
    /// would map it lazily and kill the process once it was filled.
    static let physicalMemory = Int(clamping: UInt(flipside_physical_memory()))

    init?(byteCount: Int) {
        AllocationProbe.current?.record(byteCount)
        guard byteCount <= TensorStorage.physicalMemory, MemoryBudget.charge(byteCount) else { return nil }
        guard let base = calloc(max(byteCount, 1), 1) else {
            MemoryBudget.release(byteCount)
            return nil
        }
        self.byteCount = byteCount
        self.base = base
        TensorStorage.preferHugePages(base, byteCount: byteCount)
    }

    /// Asks Linux to back the 2 MB-aligned interior of a large block with huge
    /// pages (where transparent huge pages are enabled for madvise): rows
    /// gathered at random from a dataset then cost one TLB entry per 2 MB, not
    /// per 4 KB. Only a hint; nothing changes if it is refused.
    private static func preferHugePages(_ base: UnsafeMutableRawPointer, byteCount: Int) {
        #if os(Linux)
        let huge = 1 << 21
        guard byteCount >= 4 * huge else { return }
        let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: base) + byteCount) & ~(huge - 1)
        guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(aligned, end - start, MADV_HUGEPAGE)
        #endif
    }

    deinit {
        free(base)
        MemoryBudget.release(byteCount)
    }
}

/// A dense, row-major array of one element type. Tensors are reference
/// objects; a view (a block of rows) shares its parent's storage.
public final class Tensor {
    public let dtype: DType
    public let shape: [Int]
    public let count: Int
    public let storage: TensorStorage
    /// Offset of the first element in the storage, in bytes.
    public let byteOffset: Int
    /// A read-only view refuses writes through the scripting API: a flip
    /// policy reads the training data and the server's honest mean this way,
    /// so it cannot change features or labels behind the threat model's back.
    public let isReadOnly: Bool

    /// The most elements a single tensor may hold (2^34): larger requests are
    /// refused instead of being attempted.
    public static let maxElements = 1 << 34

    public static func elementCount(of shape: [Int]) throws -> Int {
        var n = 1
        for d in shape {
            let text = "[" + shape.map(String.init).joined(separator: "x") + "]"
            guard d >= 0 else { throw FlipError("negative dimension \(d) in shape \(text)") }
            let (product, overflow) = n.multipliedReportingOverflow(by: d)
            guard !overflow, product <= maxElements else {
                throw FlipError("shape \(text) is too large (more than \(maxElements) elements)")
            }
            n = product
        }
        return n
    }

    /// A zero-filled tensor.
    public init(zeros shape: [Int], dtype: DType = .float32) throws {
        let n = try Tensor.elementCount(of: shape)
        self.dtype = dtype
        self.shape = shape
        self.count = n
        guard let storage = TensorStorage(byteCount: n * dtype.byteWidth) else {
            throw Tensor.allocationError(bytes: n * dtype.byteWidth, shape: shape)
        }
        self.storage = storage
        self.byteOffset = 0
        self.isReadOnly = false
    }

    /// A zero-filled tensor whose shape was already validated: the size of a
    /// tensor that exists (a copy, an elementwise result).
    init(validShape shape: [Int], dtype: DType) throws {
        self.dtype = dtype
        self.shape = shape
        self.count = shape.reduce(1, *)
        guard let storage = TensorStorage(byteCount: count * dtype.byteWidth) else {
            throw Tensor.allocationError(bytes: count * dtype.byteWidth, shape: shape)
        }
        self.storage = storage
        self.byteOffset = 0
        self.isReadOnly = false
    }

    static func allocationError(bytes: Int, shape: [Int]) -> FlipError {
        let beyond = if bytes > TensorStorage.physicalMemory {
            ", more than this machine's \(TensorStorage.physicalMemory) bytes of memory"
        } else if bytes > MemoryBudget.available {
            ": " + MemoryBudget.summary
        } else {
            ": out of memory"
        }
        return FlipError("cannot allocate \(bytes) bytes for a tensor of shape \(shape)\(beyond)")
    }

    init(viewing storage: TensorStorage, byteOffset: Int, shape: [Int], dtype: DType, readOnly: Bool = false) {
        self.dtype = dtype
        self.shape = shape
        self.count = shape.reduce(1, *)
        self.storage = storage
        self.byteOffset = byteOffset
        self.isReadOnly = readOnly
    }

    /// The same elements, read-only (see `isReadOnly`).
    public func readOnlyView() -> Tensor {
        Tensor(viewing: storage, byteOffset: byteOffset, shape: shape, dtype: dtype, readOnly: true)
    }

    public func requireWritable() throws {
        guard !isReadOnly else { throw FlipError("the tensor is read-only (clone() gives a writable copy)") }
    }

    public convenience init(_ values: [Float], shape: [Int]? = nil) throws {
        try self.init(zeros: shape ?? [values.count], dtype: .float32)
        guard count == values.count else { throw FlipError("\(values.count) values do not fill shape \(self.shape)") }
        values.withUnsafeBufferPointer { floats.baseAddress!.update(from: $0.baseAddress!, count: count) }
    }

    public convenience init(int32 values: [Int32], shape: [Int]? = nil) throws {
        try self.init(zeros: shape ?? [values.count], dtype: .int32)
        guard count == values.count else { throw FlipError("\(values.count) values do not fill shape \(self.shape)") }
        values.withUnsafeBufferPointer { int32s.baseAddress!.update(from: $0.baseAddress!, count: count) }
    }

    public var rank: Int { shape.count }
    public var rows: Int { shape.first ?? 1 }
    /// Elements per row (first dimension): 1 for a vector.
    public var rowLength: Int { shape.count <= 1 ? 1 : shape.dropFirst().reduce(1, *) }

    public var raw: UnsafeMutableRawPointer { storage.base + byteOffset }

    /// Typed views. Callers check `dtype` first (see `requireDType`).
    public var floats: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: raw.assumingMemoryBound(to: Float.self), count: count)
    }
    public var int32s: UnsafeMutableBufferPointer<Int32> {
        UnsafeMutableBufferPointer(start: raw.assumingMemoryBound(to: Int32.self), count: count)
    }
    public var bytes: UnsafeMutableBufferPointer<UInt8> {
        UnsafeMutableBufferPointer(start: raw.assumingMemoryBound(to: UInt8.self), count: count)
    }

    /// Copies of the elements; safe on temporaries, whose buffers may be freed
    /// as soon as the tensor itself is no longer used.
    public var floatValues: [Float] { Array(floats) }
    public var int32Values: [Int32] { Array(int32s) }
    public var byteValues: [UInt8] { Array(bytes) }

    public func requireDType(_ expected: DType, _ what: String) throws {
        guard dtype == expected else { throw FlipError("\(what) must be a \(expected.rawValue) tensor, got \(dtype.rawValue)") }
    }

    public func requireRank(_ expected: Int, _ what: String) throws {
        guard rank == expected else {
            throw FlipError("\(what) must have \(expected) dimension\(expected == 1 ? "" : "s"), got shape \(shapeText)")
        }
    }

    public var shapeText: String { "[" + shape.map(String.init).joined(separator: "x") + "]" }

    /// Element `flat` as a Double, whatever the type.
    @inline(__always)
    public func value(at flat: Int) -> Double {
        switch dtype {
        case .float32: return Double(floats[flat])
        case .int32: return Double(int32s[flat])
        case .uint8: return Double(bytes[flat])
        }
    }

    /// Stores `v` at `flat`, converting to the element type (checked by the caller).
    @inline(__always)
    public func setValue(_ v: Double, at flat: Int) {
        switch dtype {
        case .float32: floats[flat] = Float(v)
        case .int32: int32s[flat] = Int32(v)
        case .uint8: bytes[flat] = UInt8(v)
        }
    }

    /// Checks that `v` is representable in this tensor's element type.
    public func checkRepresentable(_ v: Double) throws {
        switch dtype {
        case .float32: return
        case .int32:
            guard v == v.rounded(), v >= Double(Int32.min), v <= Double(Int32.max) else {
                throw FlipError("value \(formatNumber(v)) is not an int32")
            }
        case .uint8:
            guard v == v.rounded(), v >= 0, v <= 255 else { throw FlipError("value \(formatNumber(v)) is not a uint8 (0..255)") }
        }
    }

    /// A deep copy.
    public func clone() throws -> Tensor {
        let copy = try Tensor(validShape: shape, dtype: dtype)
        copy.raw.copyMemory(from: raw, byteCount: count * dtype.byteWidth)
        return copy
    }

    /// The same elements under a new shape (a view, read-only if this one is).
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        guard try Tensor.elementCount(of: newShape) == count else {
            throw FlipError("cannot reshape \(shapeText) (\(count) elements) to \(newShape)")
        }
        return Tensor(viewing: storage, byteOffset: byteOffset, shape: newShape, dtype: dtype, readOnly: isReadOnly)
    }

    /// A copy converted to `target`; values out of the target's range are refused.
    public func converted(to target: DType) throws -> Tensor {
        if target == dtype { return try clone() }
        let out = try Tensor(zeros: shape, dtype: target)
        switch (dtype, target) {
        case (.uint8, .float32):
            for i in 0..<count { out.floats[i] = Float(bytes[i]) }
        case (.int32, .float32):
            for i in 0..<count { out.floats[i] = Float(int32s[i]) }
        case (.uint8, .int32):
            for i in 0..<count { out.int32s[i] = Int32(bytes[i]) }
        default:
            for i in 0..<count {
                let v = value(at: i)
                let truncated = v.isFinite ? v.rounded(.towardZero) : v
                do { try out.checkRepresentable(truncated) } catch {
                    throw FlipError("element \(i + 1) (\(v)) cannot be converted to \(target.rawValue)")
                }
                out.setValue(truncated, at: i)
            }
        }
        return out
    }
}
