package dev.javelin.io.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.javelin.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Opening a checkpoint reads its header only; the OS reads a tensor's pages when the tensor is used. */
@EnabledOnOs(OS.LINUX)
class OpenReadsNoTensorBytesTest {

    @TempDir Path dir;

    @Test
    void openTouchesOnlyTheHeaderPages() throws IOException {
        Path file = dir.resolve("model.safetensors");
        int rows = 4096, cols = 4096; // 64 MiB of F32, spread over two tensors
        try (Arena arena = Arena.ofConfined()) {
            new SafeTensorsWriter()
                    .add("a", Tensor.allocate(arena, rows / 2, cols))
                    .add("b", Tensor.allocate(arena, rows / 2, cols))
                    .write(file);
        }
        try (Arena probe = Arena.ofConfined(); FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment whole = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), probe);
            long totalPages = whole.byteSize() / PageCache.pageSize();
            PageCache.evict(file);
            assumeTrue(PageCache.residentPages(whole) == 0, "this file system keeps pages cached after POSIX_FADV_DONTNEED (tmpfs?)");

            try (SafeTensors st = SafeTensors.open(file)) {
                long afterOpen = PageCache.residentPages(whole);
                // The header page plus the kernel's small initial read-ahead for a read(): under 256 KiB of 64 MiB.
                assertThat(afterOpen).as("pages resident after open, of %d", totalPages).isBetween(1L, 64L);

                float first = st.tensor("b").getFlat(0);
                assertThat(first).isZero();
                long afterOneElement = PageCache.residentPages(whole);
                // Using a tensor pages it in; how much around the touched page is the kernel's read-around policy.
                assertThat(afterOneElement).as("one element of b read").isGreaterThan(afterOpen).isLessThan(totalPages);

                st.tensor("b").toArray();
                assertThat(PageCache.residentPages(whole)).as("all of b read").isGreaterThan(totalPages / 2 - 64);
                System.out.printf("pages resident (of %d): after open %d, after one element %d%n", totalPages, afterOpen, afterOneElement);
            }
        }
    }
}
