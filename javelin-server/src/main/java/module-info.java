/** The TEI/OpenAI-compatible HTTP server, embeddable: InferenceServer.start/close. */
module dev.javelin.server {
    requires transitive dev.javelin.pipelines;
    requires io.helidon.webserver;
    requires io.helidon.webserver.cors;
    requires io.helidon.webserver.staticcontent;
    requires io.helidon.http;
    requires io.helidon.common.buffers;
    requires micrometer.core;
    requires micrometer.registry.prometheus;
    requires java.logging;
    requires java.management;
    requires jdk.management;

    exports dev.javelin.server;
    exports dev.javelin.server.edge;
    exports dev.javelin.server.http;
    exports dev.javelin.server.scheduling;

    opens dev.javelin.server.http to com.fasterxml.jackson.databind;
}
