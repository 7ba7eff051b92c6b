package dev.javelin.tokenizers.decoders;

import dev.javelin.tokenizers.ByteLevelAlphabet;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code ByteLevel} decoder: maps each token's characters back to the bytes they stand for (a token
 * with a character outside the alphabet is taken as its own UTF-8) and reads all the bytes as UTF-8,
 * invalid sequences as U+FFFD.
 */
public record ByteLevel() implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String t : tokens) {
            byte[] mapped = new byte[t.length()];
            boolean all = true;
            for (int i = 0; i < t.length(); i++) {
                int b = ByteLevelAlphabet.byteOf(t.charAt(i));
                if (b < 0) {
                    all = false;
                    break;
                }
                mapped[i] = (byte) b;
            }
            bytes.writeBytes(all ? mapped : t.getBytes(StandardCharsets.UTF_8));
        }
        return List.of(bytes.toString(StandardCharsets.UTF_8));
    }
}
