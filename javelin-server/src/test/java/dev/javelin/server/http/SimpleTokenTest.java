package dev.javelin.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.javelin.server.scheduling.TestInputs;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** /tokenize's view of an encoding: TEI's UTF-8 byte spans from the tokenizer's UTF-16 offsets. */
class SimpleTokenTest {

    @Test
    void utf8OffsetsMatchTheEncodedPrefixOfEveryPosition() {
        SplittableRandom random = new SplittableRandom(11);
        int[] codePoints = {'a', 'Z', ' ', 0xE9, 0x3B1, 0x4E2D, 0x20AC, 0x1F600, 0x10348};
        for (int trial = 0; trial < 200; trial++) {
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(20); i > 0; i--) {
                text.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
            }
            String s = text.toString();
            int[] offsets = SimpleToken.utf8Offsets(s);
            for (int i = 0; i <= s.length(); i++) {
                if (i == 0 || i == s.length() || !Character.isLowSurrogate(s.charAt(i))) {
                    assertThat(offsets[i]).as("%s at %d", s, i)
                            .isEqualTo(s.substring(0, i).getBytes(StandardCharsets.UTF_8).length);
                }
            }
        }
    }

    @Test
    void tokensOfARealEncodingCarryTextAndByteSpans() {
        String text = "héllo wörld";
        List<SimpleToken> tokens = SimpleToken.of(text, TestInputs.TOKENIZER.encode(text));
        assertThat(tokens).hasSize(4);
        assertThat(tokens.getFirst()).isEqualTo(new SimpleToken(101, "[CLS]", true, null, null));
        assertThat(tokens.get(1).text()).isEqualTo("héllo");
        assertThat(tokens.get(1).start()).isZero();
        assertThat(tokens.get(1).stop()).isEqualTo(6);
        assertThat(tokens.get(2).text()).isEqualTo("wörld");
        assertThat(tokens.get(2).start()).isEqualTo(7);
        assertThat(tokens.get(2).stop()).isEqualTo(13);
        assertThat(tokens.getLast().special()).isTrue();
    }
}
