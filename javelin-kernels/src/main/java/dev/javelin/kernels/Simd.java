package dev.javelin.kernels;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/** Shared constants and helpers of the SIMD kernels. */
final class Simd {
    private Simd() {}

    /**
     * The widest float vector the CPU runs natively (256-bit on AVX2, 512-bit on AVX-512), or the
     * width {@code -Djavelin.simd.bits} asks for: the tests run the kernels at every width the CPU
     * offers, e.g. the AVX2 shapes on an AVX-512 machine.
     */
    static final VectorSpecies<Float> F = species(Integer.getInteger("javelin.simd.bits", 0));
    static final int LANES = F.length();
    /** Vector registers of the CPU: 32 with AVX-512 (and on AArch64), 16 with AVX2. */
    static final int REGISTERS = FloatVector.SPECIES_MAX.vectorBitSize() >= 512
            || System.getProperty("os.arch", "").equals("aarch64") ? 32 : 16;
    /** Tensor storage is little-endian (checkpoints are); on x86 and ARM this costs nothing. */
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private static VectorSpecies<Float> species(int bits) {
        if (bits == 0) return FloatVector.SPECIES_PREFERRED;
        int max = FloatVector.SPECIES_MAX.vectorBitSize();
        if (bits < 128 || bits > max || Integer.bitCount(bits) != 1) {
            throw new IllegalArgumentException("-Djavelin.simd.bits must be a power of two from 128 to " + max
                    + " (the widest vector of this CPU), got " + bits);
        }
        return VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
    }

    /**
     * A view of a native segment that any thread may access. A tensor allocated in a confined arena
     * can only be touched by its owner thread, which would make every multi-threaded kernel fail;
     * kernels are synchronous, so the owner keeps the memory alive for the whole call and sharing
     * the address with the pool's workers for that time is safe. A segment every thread may access
     * already (the workspace's and the weights' are) is returned as it is, so the hot path makes
     * no new segment per kernel call.
     */
    static MemorySegment shareable(MemorySegment segment) {
        if (!segment.isNative() || segment.isAccessibleBy(NO_OWNER)) return segment;
        return MemorySegment.ofAddress(segment.address()).reinterpret(segment.byteSize());
    }

    /** A thread that never runs, so owns no confined arena: what it may access, every thread may. */
    private static final Thread NO_OWNER = Thread.ofPlatform().unstarted(() -> {});

    /**
     * Sum of the lanes of {@code v} in lane order. {@code reduceLanes(ADD)} may add in any order,
     * and does: C2's tree and the interpreter's sequential loop differ in the last bit, which made
     * results depend on how warm the JIT was. Lanes are read one by one (C2 extracts them from the
     * register) rather than through a scratch array, so a row kernel allocates nothing per row.
     */
    static float sumLanes(FloatVector v) {
        float s = 0;
        for (int i = 0; i < LANES; i++) s += v.lane(i);
        return s;
    }
}
