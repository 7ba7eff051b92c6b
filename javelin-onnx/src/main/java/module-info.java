/** ONNX import: reads an exported model's weights into Javelin's safetensors layout. */
module dev.javelin.onnx {
    requires transitive dev.javelin.io;
    requires com.google.protobuf;
    requires java.logging;

    exports dev.javelin.onnx;

    opens dev.javelin.onnx to com.fasterxml.jackson.databind;
}
