package dev.javelin.engine;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The names the CLI flags and the HTTP API give an enum's constants: lower case, words joined by '-' (last-token, cross-encoder). */
final class WireName {
    private WireName() {}

    static String of(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The constant named {@code name} (any case, '_' for '-', surrounding blanks ignored).
     *
     * @throws IllegalArgumentException naming {@code what} and the names there are
     */
    static <E extends Enum<E>> E parse(Class<E> type, String name, String what) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        E[] constants = type.getEnumConstants();
        for (E e : constants) if (of(e).equals(n)) return e;
        List<String> names = Arrays.stream(constants).map(WireName::of).toList();
        throw new IllegalArgumentException("unknown " + what + " '" + name + "'; expected "
                + String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.getLast());
    }
}
