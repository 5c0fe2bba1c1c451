package io.tracelet.testing.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ZipkinServerExtension.class)
class ZipkinServerExtensionTest {
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(ZipkinServer zipkin, String json) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(zipkin.spansEndpoint()))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  static HttpResponse<String> health(ZipkinServer zipkin) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(zipkin.baseUrl() + "/health")));
  }

  static String randomTraceId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return String.format("%016x%016x", random.nextLong(), random.nextLong() | 1L);
  }

  /** A parent span and its child, in Zipkin's v2 JSON, as a reporter would send them. */
  static String twoSpans(String traceId) {
    long now = System.currentTimeMillis() * 1_000L;
    return "[{\"traceId\":\"" + traceId + "\",\"id\":\"00000000000000a1\",\"name\":\"get /cart\","
        + "\"kind\":\"SERVER\",\"timestamp\":" + now + ",\"duration\":1500,"
        + "\"localEndpoint\":{\"serviceName\":\"shop\",\"ipv4\":\"10.0.0.1\"},"
        + "\"tags\":{\"http.method\":\"GET\"}},"
        + "{\"traceId\":\"" + traceId + "\",\"parentId\":\"00000000000000a1\",\"id\":\"00000000000000b2\","
        + "\"name\":\"load cart\",\"timestamp\":" + (now + 100) + ",\"duration\":700,"
        + "\"localEndpoint\":{\"serviceName\":\"shop\"}}]";
  }

  @Test void servesOnLoopbackAndIsHealthy(ZipkinServer zipkin) throws Exception {
    assertThat(zipkin.baseUrl()).isEqualTo("http://127.0.0.1:" + zipkin.port());
    assertThat(zipkin.spansEndpoint()).isEqualTo(zipkin.baseUrl() + "/api/v2/spans");
    assertThat(zipkin.kafkaBootstrapServers()).isNull();
    assertThat(zipkin.isRunning()).isTrue();

    HttpResponse<String> health = health(zipkin);
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("InMemoryStorage").doesNotContain("KafkaCollector");
    OtherAddresses.assertRefuseConnectionsTo(zipkin.port());
  }

  @Test void storesPostedSpansAndCountsThem(ZipkinServer zipkin) throws Exception {
    String traceId = randomTraceId();
    long receivedBefore = zipkin.spansReceived();

    assertThat(post(zipkin, twoSpans(traceId)).statusCode()).isEqualTo(202);

    String trace = zipkin.trace(traceId, 2, Duration.ofSeconds(30));
    assertThat(trace).startsWith("[").contains("\"traceId\":\"" + traceId + "\"")
        .contains("\"name\":\"get /cart\"", "\"name\":\"load cart\"", "\"parentId\":\"00000000000000a1\"",
            "\"http.method\":\"GET\"");
    assertThat(ZipkinServer.countElements(trace)).isEqualTo(2);
    assertThat(zipkin.spansReceived() - receivedBefore).isEqualTo(2);
  }

  @Test void countsMalformedMessagesAsDropped(ZipkinServer zipkin) throws Exception {
    long droppedBefore = zipkin.messagesDropped();

    assertThat(post(zipkin, "not a list of spans").statusCode()).isEqualTo(400);
    assertThat(zipkin.messagesDropped() - droppedBefore).isEqualTo(1);

    // Zipkin counts a truncated list twice: it drops the message, and again when decoding fails.
    assertThat(post(zipkin, "[{\"traceId\":").statusCode()).isEqualTo(400);
    assertThat(zipkin.messagesDropped() - droppedBefore).isEqualTo(3);
  }

  @Test void aTraceThatNeverArrivesFailsAtTheDeadline(ZipkinServer zipkin) {
    String traceId = randomTraceId();

    assertThatThrownBy(() -> zipkin.trace(traceId, 1, Duration.ofMillis(300)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expected trace " + traceId + " to have at least 1 spans")
        .hasMessageContaining("it answered 404");
  }

  @Test void stopsAndStartsAgainOnTheSamePortWithEmptyStorage(ZipkinServer zipkin) throws Exception {
    String traceId = randomTraceId();
    post(zipkin, twoSpans(traceId));
    zipkin.trace(traceId, 2, Duration.ofSeconds(30));
    int port = zipkin.port();

    zipkin.stop();

    assertThat(zipkin.isRunning()).isFalse();
    assertThatThrownBy(() -> health(zipkin)).isInstanceOf(ConnectException.class);
    assertThatThrownBy(() -> zipkin.spansReceived()).isInstanceOf(java.io.UncheckedIOException.class).hasCauseInstanceOf(ConnectException.class);

    zipkin.start();

    assertThat(zipkin.isRunning()).isTrue();
    assertThat(zipkin.port()).isEqualTo(port);
    assertThat(health(zipkin).statusCode()).isEqualTo(200);
    assertThat(send(HttpRequest.newBuilder(URI.create(zipkin.baseUrl() + "/api/v2/trace/" + traceId)))
        .statusCode()).isEqualTo(404);
    assertThat(zipkin.spansReceived()).isZero();
  }
}
