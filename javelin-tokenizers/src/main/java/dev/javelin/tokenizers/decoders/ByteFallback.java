package dev.javelin.tokenizers.decoders;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ByteFallback} decoder: runs of {@code <0xNN>} pieces become the text their bytes encode in
 * UTF-8; a run that is not valid UTF-8 becomes one U+FFFD per byte.
 */
public record ByteFallback() implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        ByteBuffer bytes = ByteBuffer.allocate(tokens.size());
        for (String t : tokens) {
            int b = byteOf(t);
            if (b >= 0) {
                bytes.put((byte) b);
                continue;
            }
            flush(bytes, out);
            out.add(t);
        }
        flush(bytes, out);
        return out;
    }

    private static int byteOf(String t) {
        if (t.length() != 6 || !t.startsWith("<0x") || t.charAt(5) != '>') {
            return -1;
        }
        // Two hex digits, or a plus sign and one, as Rust's u8::from_str_radix reads them.
        char a = t.charAt(3);
        int lo = t.charAt(4) > 'f' ? -1 : Character.digit(t.charAt(4), 16);
        if (a == '+') {
            return lo;
        }
        int hi = a > 'f' ? -1 : Character.digit(a, 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }

    private static void flush(ByteBuffer bytes, List<String> out) {
        if (bytes.position() == 0) {
            return;
        }
        bytes.flip();
        int n = bytes.remaining();
        try {
            out.add(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString());
        } catch (CharacterCodingException e) {
            for (int i = 0; i < n; i++) {
                out.add("\uFFFD");
            }
        }
        bytes.clear();
    }
}
