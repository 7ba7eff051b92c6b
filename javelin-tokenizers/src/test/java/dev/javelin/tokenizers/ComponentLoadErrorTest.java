package dev.javelin.tokenizers;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A malformed component in {@code tokenizer.json} fails loading with a message naming the problem. */
class ComponentLoadErrorTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        pre_tokenizer  | {'type':'Split','pattern':{'Regex':'('},'behavior':'Isolated','invert':false} | Split pre-tokenizer: invalid regex
        pre_tokenizer  | {'type':'Split','pattern':{'Regex':'a'},'invert':false}                       | Split pre-tokenizer: missing string field 'behavior'
        pre_tokenizer  | {'type':'Split','behavior':'Isolated'}                                         | Split pre-tokenizer: 'pattern' must be
        pre_tokenizer  | {'type':'Punctuation','behavior':'Sideways'}                                   | Punctuation pre-tokenizer: unknown split behavior 'Sideways'
        pre_tokenizer  | {'type':'Metaspace','replacement':'ab','prepend_scheme':'always','split':true} | Metaspace: 'replacement' must be one character, got 'ab'
        pre_tokenizer  | {'type':'Metaspace','replacement':'_','prepend_scheme':'sometimes'}            | unknown Metaspace prepend_scheme 'sometimes'
        pre_tokenizer  | {'type':'Sequence'}                                                            | Sequence pre_tokenizer 'pretokenizers' must be an array
        pre_tokenizer  | {'type':'Sequence','pretokenizers':[{'type':'WordSplit'}]}                     | pre_tokenizer type 'WordSplit' is not supported by Javelin
        pre_tokenizer  | {'type':'Metaspace','replacement':'_','add_prefix_space':false}                | Metaspace: add_prefix_space false does not match prepend_scheme 'always'
        pre_tokenizer  | {'type':'CharDelimiterSplit','delimiter':'ab'}                                 | CharDelimiterSplit pre-tokenizer: 'delimiter' must be one character
        normalizer     | {'type':'Precompiled','precompiled_charsmap':'%%%'}                            | Precompiled normalizer: precompiled_charsmap is not base64
        normalizer     | {'type':'Unicode'}                                                             | normalizer type 'Unicode' is not supported by Javelin
        post_processor | {'type':'RobertaProcessing','cls':['<s>',0]}                                   | RobertaProcessing 'sep' must be [token, id]
        decoder        | {'type':'Sequence','decoders':{}}                                              | Sequence decoder 'decoders' must be an array
        decoder        | {'type':'SentencePiece'}                                                       | decoder type 'SentencePiece' is not supported by Javelin
        decoder        | {'type':'Strip','content':'ab','start':1,'stop':0}                             | Strip decoder: 'content' must be one character
        model          | {'type':'Unigram','vocab':[['a',-1.0],['b']],'unk_id':0}                       | Unigram model: vocab entry 1 is not [piece, score]
        model          | {'type':'Unigram','vocab':{'a':0},'unk_id':0}                                  | Unigram model: 'vocab' must be a list of [piece, score]
        model          | {'type':'Unigram','vocab':[['a',-1.0]],'unk_id':3}                             | Unigram model: unk_id 3 is outside the vocabulary of 1 pieces
        model          | {'vocab':{'a':0}}                                                              | model has no 'type' and its fields match no model
        model          | {'type':'Bigram','vocab':{'a':0}}                                              | model type 'Bigram' is not supported by Javelin
        model          | {'type':'BPE','vocab':{'a':0},'merges':[],'dropout':1.5}                       | BPE dropout must be between 0 and 1, got 1.5
        model          | {'type':'BPE','vocab':{'a':0},'merges':[],'dropout':'high'}                    | BPE model: 'dropout' must be a number
        model          | {'type':'BPE','vocab':{'a':0,'b':1},'merges':['a b']}                          | BPE merge uses 'ab', which is not in the vocabulary
        model          | {'type':'BPE','vocab':{'a':0},'merges':['ab']}                                 | BPE model: merge 'ab' is not 'left right'
        model          | {'type':'BPE','vocab':{'a':0},'merges':[],'unk_token':'<unk>'}                 | BPE unk_token '<unk>' is not in the vocabulary
        """)
    void namesTheProblem(String field, String component, String message) throws IOException {
        ObjectNode root = (ObjectNode) MAPPER.readTree(HuggingFaceParityTest.json(HuggingFaceParityTest.FILES[0]));
        root.set(field, MAPPER.readTree(component.replace('\'', '"')));
        String json = MAPPER.writeValueAsString(root);
        assertThatThrownBy(() -> Tokenizer.fromJson(json)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
