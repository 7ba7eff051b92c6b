package dev.javelin.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.javelin.engine.Input;
import dev.javelin.engine.Truncate;
import dev.javelin.server.scheduling.ErrorType;
import dev.javelin.server.scheduling.ServerError;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** TEI's request shapes: what each field accepts, its default, and the error for anything else. */
class RequestFieldsTest {

    private static JsonNode json(String text) throws Exception {
        return JsonHttp.MAPPER.readTree(text);
    }

    private static void assertValidation(ThrowingCallable call, String mentioning) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ServerError.class, e -> {
            assertThat(e.type()).isEqualTo(ErrorType.VALIDATION);
            assertThat(e.status()).isEqualTo(422);
            assertThat(e.getMessage()).contains(mentioning);
        });
    }

    @Test
    void embedInputsTakeTeisFourShapes() throws Exception {
        RequestFields.Inputs single = RequestFields.embedInputs(json("{\"inputs\": \"hello\"}"), "inputs");
        assertThat(single.batch()).isFalse();
        assertThat(single.inputs()).containsExactly(new Input.Text("hello"));

        RequestFields.Inputs texts = RequestFields.embedInputs(json("{\"inputs\": [\"a\", \"b\"]}"), "inputs");
        assertThat(texts.batch()).isTrue();
        assertThat(texts.method()).isEqualTo("batch");
        assertThat(texts.inputs()).containsExactly(new Input.Text("a"), new Input.Text("b"));

        RequestFields.Inputs ids = RequestFields.embedInputs(json("{\"inputs\": [101, 7592, 102]}"), "inputs");
        assertThat(ids.batch()).isFalse();
        assertThat(((Input.Ids) ids.inputs().getFirst()).ids()).containsExactly(101, 7592, 102);

        RequestFields.Inputs mixed = RequestFields.embedInputs(json("{\"inputs\": [\"a\", [101, 102]]}"), "inputs");
        assertThat(mixed.batch()).isTrue();
        assertThat(mixed.inputs().get(0)).isEqualTo(new Input.Text("a"));
        assertThat(((Input.Ids) mixed.inputs().get(1)).ids()).containsExactly(101, 102);
    }

    @Test
    void anEmptyListIsOneEmptyInputAsInTei() throws Exception {
        RequestFields.Inputs empty = RequestFields.embedInputs(json("{\"inputs\": []}"), "inputs");
        assertThat(empty.batch()).isFalse();
        assertThat(empty.inputs()).singleElement().matches(Input::isEmpty);
    }

    @Test
    void malformedInputsAreValidationErrorsNamingTheField() {
        assertValidation(() -> RequestFields.embedInputs(json("{}"), "inputs"), "missing field `inputs`");
        assertValidation(() -> RequestFields.embedInputs(json("{\"inputs\": 3}"), "inputs"), "`inputs` must be");
        assertValidation(() -> RequestFields.embedInputs(json("{\"input\": {\"a\": 1}}"), "input"), "`input` must be");
        assertValidation(() -> RequestFields.embedInputs(json("{\"inputs\": [\"a\", 3]}"), "inputs"), "`inputs` must be");
        assertValidation(() -> RequestFields.embedInputs(json("{\"inputs\": [[1, \"x\"]]}"), "inputs"), "`inputs` must be");
        assertValidation(() -> RequestFields.embedInputs(json("{\"inputs\": [1, -2]}"), "inputs"), "invalid token id: -2");
        assertValidation(() -> RequestFields.embedInputs(json("{\"inputs\": [1, 99999999999]}"), "inputs"),
                "invalid token id");
    }

    @Test
    void predictInputsAreATextAPairOrABatchOfBoth() throws Exception {
        assertThat(RequestFields.predictInputs(json("{\"inputs\": \"x\"}")).inputs()).containsExactly(new Input.Text("x"));
        RequestFields.Inputs pair = RequestFields.predictInputs(json("{\"inputs\": [\"q\", \"d\"]}"));
        assertThat(pair.batch()).isFalse();
        assertThat(pair.inputs()).containsExactly(new Input.Pair("q", "d"));
        assertThat(RequestFields.predictInputs(json("{\"inputs\": [\"x\"]}")).inputs()).containsExactly(new Input.Text("x"));
        RequestFields.Inputs batch = RequestFields.predictInputs(json("{\"inputs\": [[\"a\"], [\"q\", \"d\"]]}"));
        assertThat(batch.batch()).isTrue();
        assertThat(batch.inputs()).containsExactly(new Input.Text("a"), new Input.Pair("q", "d"));

        assertValidation(() -> RequestFields.predictInputs(json("{\"inputs\": [\"a\", \"b\", \"c\"]}")), "3 strings");
        assertValidation(() -> RequestFields.predictInputs(json("{\"inputs\": [[\"a\"], \"b\"]}")), "a pair of strings");
        assertValidation(() -> RequestFields.predictInputs(json("{\"inputs\": []}")), "a pair of strings");
        assertValidation(() -> RequestFields.predictInputs(json("{\"inputs\": [[]]}")), "0 strings");
    }

    @Test
    void optionsHaveTeisDefaultsAndTypes() throws Exception {
        JsonNode none = json("{}");
        assertThat(RequestFields.bool(none, "normalize", true)).isTrue();
        assertThat(RequestFields.optionalCount(none, "dimensions")).isNull();
        assertThat(RequestFields.truncate(none, true)).isEqualTo(Truncate.RIGHT);
        assertThat(RequestFields.truncate(none, false)).isEqualTo(Truncate.NONE);
        assertThat(RequestFields.truncate(json("{\"truncation_direction\": \"Left\"}"), true)).isEqualTo(Truncate.LEFT);
        assertThat(RequestFields.truncate(json("{\"truncation_direction\": \"left\"}"), true)).isEqualTo(Truncate.LEFT);
        assertThat(RequestFields.truncate(json("{\"truncation_direction\": \"right\"}"), true)).isEqualTo(Truncate.RIGHT);
        assertThat(RequestFields.truncate(json("{\"truncate\": true, \"truncation_direction\": \"Left\"}"), false))
                .isEqualTo(Truncate.LEFT);
        assertThat(RequestFields.truncate(json("{\"truncate\": false, \"truncation_direction\": \"Left\"}"), true))
                .isEqualTo(Truncate.NONE);
        assertThat(RequestFields.optionalCount(json("{\"dimensions\": 128}"), "dimensions")).isEqualTo(128);

        assertValidation(() -> RequestFields.truncate(json("{\"truncation_direction\": \"up\"}"), true),
                "`truncation_direction` must be");
        assertValidation(() -> RequestFields.bool(json("{\"normalize\": \"yes\"}"), "normalize", true),
                "`normalize` must be a boolean");
        assertValidation(() -> RequestFields.optionalCount(json("{\"dimensions\": -1}"), "dimensions"),
                "`dimensions` must be a non-negative integer");
        assertValidation(() -> RequestFields.optionalCount(json("{\"dimensions\": 1.5}"), "dimensions"),
                "`dimensions` must be a non-negative integer");
        assertThat(RequestFields.promptName(json("{\"prompt_name\": \"query\"}"))).isEqualTo("query");
        assertValidation(() -> RequestFields.promptName(json("{\"prompt_name\": 1}")), "`prompt_name` must be a string");
    }

    @Test
    void decodeIdsAreOneListOrSeveral() throws Exception {
        assertThat(RequestFields.idLists(json("{\"ids\": [1, 2]}"), "ids")).singleElement()
                .satisfies(ids -> assertThat(ids).containsExactly(1, 2));
        List<int[]> two = RequestFields.idLists(json("{\"ids\": [[1], [2, 3]]}"), "ids");
        assertThat(two).hasSize(2);
        assertThat(two.get(1)).containsExactly(2, 3);
        assertValidation(() -> RequestFields.idLists(json("{\"ids\": \"1 2\"}"), "ids"), "`ids` must be");
        assertValidation(() -> RequestFields.idLists(json("{\"ids\": [[1], \"2\"]}"), "ids"), "`ids` must be");
    }
}
