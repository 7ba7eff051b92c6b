package dev.javelin.kernels;

/**
 * Whether the kernel shape a test run forces ({@code -Djavelin.matmul.vectors}, see this module's
 * POM) can run on this CPU. The 4-vector F32 tile needs 32 vector registers, which AVX2 lacks: the
 * kernels refuse that shape there (a user forcing it gets a clear error), so the run that forces it
 * skips its test classes on such a machine instead of failing every test.
 */
final class RequestedShape {
    private RequestedShape() {}

    static boolean runsHere() {
        return Integer.getInteger("javelin.matmul.vectors", 2) == 2 || Simd.REGISTERS >= 32;
    }
}
