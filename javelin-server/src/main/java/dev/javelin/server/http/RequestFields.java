package dev.javelin.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.javelin.engine.Input;
import dev.javelin.engine.Truncate;
import dev.javelin.server.scheduling.Inference;
import dev.javelin.server.scheduling.ServerError;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the fields of TEI's request bodies, with TEI's shapes and defaults; a field of the wrong shape
 * is a validation error naming it.
 */
final class RequestFields {
    private static final String INPUT_SHAPES =
            "a string, a list of strings, token ids (a list of integers) or a list of token id lists";
    private static final String PREDICT_SHAPES =
            "a string, a pair of strings [string, string] or a batch of mixed strings and pairs [[string], [string, string], ...]";

    /** Inputs as the client sent them, and whether they came as a batch (TEI's metrics tell the two apart). */
    record Inputs(List<Input> inputs, boolean batch) {
        String method() {
            return batch ? "batch" : "single";
        }

        /** The inputs once their number is checked (not empty, within the client batch size). */
        Inputs checked(Inference inference, String field) {
            if (batch) {
                inference.checkBatchSize(inputs.size(), field);
            }
            return this;
        }
    }

    private RequestFields() {
    }

    static JsonNode required(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            throw ServerError.validation("missing field `" + field + "`");
        }
        return node;
    }

    /** /embed's {@code inputs}: a string, token ids, or a batch of strings and token id lists. */
    static Inputs embedInputs(JsonNode body, String field) {
        JsonNode node = required(body, field);
        if (node.isTextual()) {
            return new Inputs(List.of(new Input.Text(node.textValue())), false);
        }
        if (!node.isArray()) {
            throw ServerError.validation("`" + field + "` must be " + INPUT_SHAPES);
        }
        if (isIdList(node)) {
            return new Inputs(List.of(new Input.Ids(ids(node, field))), false);
        }
        List<Input> inputs = new ArrayList<>(node.size());
        for (JsonNode item : node) {
            if (item.isTextual()) {
                inputs.add(new Input.Text(item.textValue()));
            } else if (item.isArray() && isIdList(item)) {
                inputs.add(new Input.Ids(ids(item, field)));
            } else {
                throw ServerError.validation("`" + field + "` must be " + INPUT_SHAPES);
            }
        }
        return new Inputs(inputs, true);
    }

    /** /predict's {@code inputs}: a string, a pair, or a batch of [string] and [string, string]. */
    static Inputs predictInputs(JsonNode body) {
        JsonNode node = required(body, "inputs");
        if (node.isTextual()) {
            return new Inputs(List.of(new Input.Text(node.textValue())), false);
        }
        if (!node.isArray() || node.isEmpty()) {
            throw ServerError.validation("`inputs` must be " + PREDICT_SHAPES);
        }
        if (node.get(0).isTextual()) {
            return new Inputs(List.of(sequence(node)), false);
        }
        List<Input> inputs = new ArrayList<>(node.size());
        for (JsonNode item : node) {
            if (!item.isArray()) {
                throw ServerError.validation("`inputs` must be " + PREDICT_SHAPES);
            }
            inputs.add(sequence(item));
        }
        return new Inputs(inputs, true);
    }

    private static Input sequence(JsonNode strings) {
        for (JsonNode s : strings) {
            if (!s.isTextual()) {
                throw ServerError.validation("`inputs` must be " + PREDICT_SHAPES);
            }
        }
        return switch (strings.size()) {
            case 1 -> new Input.Text(strings.get(0).textValue());
            case 2 -> new Input.Pair(strings.get(0).textValue(), strings.get(1).textValue());
            default -> throw ServerError.validation("`inputs` must be " + PREDICT_SHAPES
                    + "; got a sequence of " + strings.size() + " strings");
        };
    }

    /** A string or a list of strings. */
    static Inputs texts(JsonNode body, String field) {
        JsonNode node = required(body, field);
        if (node.isTextual()) {
            return new Inputs(List.of(new Input.Text(node.textValue())), false);
        }
        return new Inputs(stringList(node, field).stream().<Input>map(Input.Text::new).toList(), true);
    }

    static List<String> stringList(JsonNode node, String field) {
        if (node == null || !node.isArray()) {
            throw ServerError.validation("`" + field + "` must be a list of strings");
        }
        List<String> out = new ArrayList<>(node.size());
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw ServerError.validation("`" + field + "` must be a list of strings");
            }
            out.add(item.textValue());
        }
        return out;
    }

    static String string(JsonNode body, String field) {
        JsonNode node = required(body, field);
        if (!node.isTextual()) {
            throw ServerError.validation("`" + field + "` must be a string");
        }
        return node.textValue();
    }

    /** /decode's {@code ids}: one list of token ids or a list of them. */
    static List<int[]> idLists(JsonNode body, String field) {
        JsonNode node = required(body, field);
        if (!node.isArray()) {
            throw ServerError.validation("`" + field + "` must be a list of token ids or a list of such lists");
        }
        if (isIdList(node)) {
            return List.<int[]>of(ids(node, field));
        }
        List<int[]> out = new ArrayList<>(node.size());
        for (JsonNode item : node) {
            if (!item.isArray() || !isIdList(item)) {
                throw ServerError.validation("`" + field + "` must be a list of token ids or a list of such lists");
            }
            out.add(ids(item, field));
        }
        return out;
    }

    private static boolean isIdList(JsonNode array) {
        if (array.isEmpty()) {
            return true;
        }
        for (JsonNode item : array) {
            if (!item.isIntegralNumber()) {
                return false;
            }
        }
        return true;
    }

    private static int[] ids(JsonNode array, String field) {
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode id = array.get(i);
            if (!id.canConvertToInt() || id.intValue() < 0) {
                throw ServerError.validation("`" + field + "` holds an invalid token id: " + id);
            }
            ids[i] = id.intValue();
        }
        return ids;
    }

    /** A string field, or {@code fallback} when absent. */
    static String text(JsonNode body, String field, String fallback) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isTextual()) {
            throw ServerError.validation("`" + field + "` must be a string");
        }
        return node.textValue();
    }

    static boolean bool(JsonNode body, String field, boolean fallback) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw ServerError.validation("`" + field + "` must be a boolean");
        }
        return node.booleanValue();
    }

    /** A non-negative integer, or null when absent. */
    static Integer optionalCount(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 0) {
            throw ServerError.validation("`" + field + "` must be a non-negative integer");
        }
        return node.intValue();
    }

    /**
     * What to do with over-long inputs: {@code truncate} (default: {@code --auto-truncate}) and
     * {@code truncation_direction}, Left or Right (either case), Right by default.
     */
    static Truncate truncate(JsonNode body, boolean autoTruncate) {
        JsonNode node = body.get("truncation_direction");
        Truncate direction;
        if (node == null || node.isNull()) {
            direction = Truncate.RIGHT;
        } else {
            direction = switch (node.isTextual() ? node.textValue() : "") {
                case "Left", "left" -> Truncate.LEFT;
                case "Right", "right" -> Truncate.RIGHT;
                default -> throw ServerError.validation("`truncation_direction` must be `Left` or `Right`, got " + node);
            };
        }
        return bool(body, "truncate", autoTruncate) ? direction : Truncate.NONE;
    }

    /** TEI's {@code prompt_name}: one of the model's sentence-transformers prompts, or null for its default. */
    static String promptName(JsonNode body) {
        return text(body, "prompt_name", null);
    }
}
