package io.tracelet.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.tracelet.FinishedSpan;
import io.tracelet.SpanKind;
import io.tracelet.propagation.ServerTiming;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drives {@link W3CTestService} the way the W3C harness does: raw HTTP requests with the header
 * lines exactly as given (odd casing, repeats, whitespace), and a JDK HTTP server on a free port
 * receiving the callbacks.
 */
class W3CTestServiceTest {
  static final String TRACE_ID = "12345678901234567890123456789012";
  static final String TRACEPARENT = "00-" + TRACE_ID + "-1234567890123456-01";

  /** A callback as the harness receives it: every header line, and the body. */
  record Received(String path, Map<String, List<String>> headers, String body) {
    List<String> values(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .flatMap(e -> e.getValue().stream()).collect(Collectors.toList());
    }

    String traceparent() {
      assertThat(values("traceparent")).as("exactly one traceparent").hasSize(1);
      String value = values("traceparent").get(0);
      assertThat(value).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
      return value;
    }
  }

  final Queue<Received> received = new ConcurrentLinkedQueue<>();
  final List<FinishedSpan> spans = new CopyOnWriteArrayList<>();
  HttpServer harness;
  W3CTestService service;
  /** The service's last response, status line and headers as they came. */
  volatile String lastResponse;

  @BeforeEach void start() throws IOException {
    harness = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    harness.createContext("/callback/", exchange -> {
      try (exchange) {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, List<String>> headers = new ConcurrentHashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, List.copyOf(v)));
        received.add(new Received(exchange.getRequestURI().getPath(), headers, body));
        exchange.sendResponseHeaders(200, -1);
      }
    });
    harness.start();
    service = W3CTestService.start(0, spans::addAll);
  }

  @AfterEach void stop() {
    service.close();
    harness.stop(0);
  }

  String callbackUrl(int i) {
    return "http://127.0.0.1:" + harness.getAddress().getPort() + "/callback/" + i;
  }

  /** Posts to the service as the harness does, and returns the one callback it made. */
  Received single(String... headerLines) throws IOException {
    assertThat(post("[{\"url\": \"" + callbackUrl(0) + "\", \"arguments\": []}]", headerLines)).isEqualTo(200);
    assertThat(received).hasSize(1);
    return received.peek();
  }

  /** A raw HTTP/1.1 POST to /test with the header lines exactly as given; returns the status. */
  int post(String json, String... headerLines) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    StringBuilder request = new StringBuilder("POST /test HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .append("Content-Type: application/json\r\nConnection: close\r\n")
        .append("Content-Length: ").append(body.length).append("\r\n");
    for (int i = 0; i < headerLines.length; i += 2) {
      request.append(headerLines[i]).append(':').append(headerLines[i + 1]).append("\r\n");
    }
    request.append("\r\n");
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), service.port())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      String response = readAll(socket.getInputStream());
      lastResponse = response;
      return Integer.parseInt(response.substring(9, 12)); // "HTTP/1.1 200 OK"
    }
  }

  static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream result = new ByteArrayOutputStream();
    in.transferTo(result);
    return result.toString(StandardCharsets.ISO_8859_1);
  }

  @Test void bothHeadersMissing_aNewTraceIsSent() throws IOException {
    Received callback = single();

    callback.traceparent();
    assertThat(callback.values("tracestate")).isEmpty();
  }

  @Test void traceparent_theTraceContinuesWithANewParentId() throws IOException {
    String sent = single("traceparent", TRACEPARENT).traceparent();

    assertThat(sent).startsWith("00-" + TRACE_ID + "-").endsWith("-01").doesNotContain("1234567890123456-");
  }

  @Test void traceparent_duplicatedStartsANewTrace() throws IOException {
    String sent = single("traceparent", "00-12345678901234567890123456789011-1234567890123456-01",
        "traceparent", "00-12345678901234567890123456789012-1234567890123456-01").traceparent();

    assertThat(sent).doesNotContain("1234567890123456789012345678901");
  }

  @Test void traceparent_nameInAnyCase() throws IOException {
    assertThat(single("TrAcEpArEnT", TRACEPARENT).traceparent()).contains(TRACE_ID);
  }

  @Test void traceparent_surroundingWhitespaceIsIgnored() throws IOException {
    assertThat(single("traceparent", "\t " + TRACEPARENT + " \t").traceparent()).contains(TRACE_ID);
  }

  @Test void traceparent_futureVersionIsContinuedAsVersion00() throws IOException {
    String sent = single("traceparent", "cc-" + TRACE_ID + "-1234567890123456-01-what-the-future-will-be-like")
        .traceparent();

    assertThat(sent).startsWith("00-" + TRACE_ID);
  }

  @Test void traceparent_invalidStartsANewTraceAndDropsTracestate() throws IOException {
    Received callback = single("traceparent", "00-00000000000000000000000000000000-1234567890123456-01",
        "tracestate", "foo=1");

    assertThat(callback.traceparent()).doesNotContain("-00000000000000000000000000000000-");
    assertThat(callback.values("tracestate")).isEmpty();
  }

  @Test void randomAndSampledFlags_arePassedOn() throws IOException {
    assertThat(single("traceparent", "00-" + TRACE_ID + "-1234567890123456-03").traceparent()).endsWith("-03");
    received.clear();
    assertThat(single("traceparent", "00-" + TRACE_ID + "-1234567890123456-02").traceparent()).endsWith("-02");
  }

  @Test void tracestate_multipleHeadersAreCombinedInOrder() throws IOException {
    Received callback = single("traceparent", TRACEPARENT, "tracestate", "foo=1,bar=2",
        "TraceState", "rojo=1,congo=2", "tracestate", "", "tracestate", " \tbaz=3");

    assertThat(callback.values("tracestate")).containsExactly("foo=1,bar=2,rojo=1,congo=2,baz=3");
  }

  @Test void tracestate_invalidIsDroppedAndTraceparentKept() throws IOException {
    Received callback = single("traceparent", TRACEPARENT, "tracestate", "foo=1", "tracestate", "FOO=2");

    assertThat(callback.traceparent()).contains(TRACE_ID);
    assertThat(callback.values("tracestate")).isEmpty();
  }

  @Test void tracestate_aRepeatedKeyKeepsTheHeaderAndItsFirstMember() throws IOException {
    Received callback = single("traceparent", TRACEPARENT, "tracestate", "foo=1,bar=2", "tracestate", "foo=3");

    assertThat(callback.values("tracestate")).containsExactly("foo=1,bar=2");
  }

  @Test void response_carriesTheServerTimingTraceMetricOfTheServerSpan() throws IOException {
    String sent = single("traceparent", "00-" + TRACE_ID + "-1234567890123456-03").traceparent();

    ServerTiming metric = ServerTiming.parse(serverTiming());
    assertThat(metric.traceIdHex()).isEqualTo(TRACE_ID);
    assertThat(metric.spanIdHex()).isNotIn("1234567890123456", sent.substring(36, 52)); // the server span's
    assertThat(metric.sampled()).isTrue();
    assertThat(metric.traceIdRandom()).isTrue(); // as the incoming traceparent said
  }

  @Test void response_notSampledWhenTheServerDidNotRecord() throws IOException {
    single("traceparent", "00-" + TRACE_ID + "-1234567890123456-00");

    ServerTiming metric = ServerTiming.parse(serverTiming());
    assertThat(metric.traceIdHex()).isEqualTo(TRACE_ID);
    assertThat(metric.sampled()).isFalse();
    assertThat(metric.traceIdRandom()).isFalse();
  }

  /** The server-timing field lines of the last response, joined with commas. */
  String serverTiming() {
    List<String> values = lastResponse.lines().takeWhile(line -> !line.isEmpty())
        .filter(line -> line.regionMatches(true, 0, "server-timing:", 0, 14))
        .map(line -> line.substring(14).strip()).collect(Collectors.toList());
    assertThat(values).hasSize(1);
    return String.join(",", values);
  }

  @Test void callbacks_areMadeInOrderEachFromItsOwnSpan() throws IOException {
    String json = "[{\"url\": \"" + callbackUrl(0) + "\", \"arguments\": []},\n"
        + " {\"url\": \"" + callbackUrl(1) + "\", \"arguments\": []},\n"
        + " {\"url\": \"" + callbackUrl(2) + "\", \"arguments\": []}]";

    assertThat(post(json, "traceparent", TRACEPARENT)).isEqualTo(200);

    List<Received> callbacks = new ArrayList<>(received);
    assertThat(callbacks).extracting(Received::path).containsExactly("/callback/0", "/callback/1", "/callback/2");
    assertThat(callbacks).extracting(Received::traceparent).allMatch(tp -> tp.contains(TRACE_ID))
        .extracting(tp -> tp.substring(36, 52)).doesNotHaveDuplicates();
  }

  @Test void arguments_arePostedOnAsTheyCame() throws IOException {
    String arguments = "[{\"url\": \"http://127.0.0.1:7777/callback/x\", \"arguments\": [{\"k\": \"\\u00e9\\\"\", \"n\": -1.5e3}]}]";

    assertThat(post("[{\"arguments\": " + arguments + ", \"url\": \"" + callbackUrl(0) + "\"}]")).isEqualTo(200);

    assertThat(received.peek().body()).isEqualTo(arguments);
  }

  @Test void spans_serverContinuesTheCallerAndClientsAreItsChildren() throws IOException, InterruptedException {
    single("traceparent", TRACEPARENT);
    service.close(); // flushes the spans

    FinishedSpan server = spans.stream().filter(s -> s.kind() == SpanKind.SERVER).findFirst().orElseThrow();
    FinishedSpan client = spans.stream().filter(s -> s.kind() == SpanKind.CLIENT).findFirst().orElseThrow();
    assertThat(server.parentId()).isEqualTo(0x1234567890123456L);
    assertThat(client.parentId()).isEqualTo(server.spanId());
    assertThat(received.peek().traceparent()).contains(String.format("-%016x-", client.spanId()));
  }

  @Test void malformedBody_isABadRequest() throws IOException {
    for (String bad : new String[] {"", "{}", "[{\"url\": 1}]", "[{\"url\": \"x\"", "[] []", "[tru]"}) {
      assertThat(post(bad)).as(bad).isEqualTo(400);
    }
    assertThat(received).isEmpty();
  }
}
