package io.tracelet.examples.demo;

import io.tracelet.KeepPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import zipkin2.Span;
import zipkin2.codec.SpanBytesDecoder;

/**
 * Reads traces back from a Zipkin server's API, waiting for them: spans arrive a little after
 * they finish (batched by each service's recorder, and through Kafka for some). Thread-safe.
 */
public final class ZipkinTraces {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration POLL_PAUSE = Duration.ofMillis(200);
  /** What {@link #keepReasons} says of a span without the keep tag: head sampling recorded it. */
  public static final String HEAD_SAMPLED = "sampled";

  private final String baseUrl;
  private final HttpClient http;

  /** The Zipkin at {@code baseUrl}, such as {@code http://127.0.0.1:9411}. */
  public ZipkinTraces(String baseUrl) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(REQUEST_TIMEOUT).build();
  }

  /** Where Zipkin's UI shows the trace {@code traceId}. */
  public String link(String traceId) {
    return baseUrl + "/zipkin/traces/" + traceId;
  }

  /**
   * Waits until Zipkin answers {@code GET /health} with 200 (with a Kafka collector, once that is
   * connected).
   *
   * @param starting false once the server can no longer become healthy (its process ended)
   * @throws IllegalStateException when it is not healthy within {@code timeout}, or stops starting
   */
  public void awaitHealthy(Duration timeout, BooleanSupplier starting) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (true) {
      try {
        HttpResponse<String> health = get("/health");
        if (health.statusCode() == 200) return;
        last = health.statusCode() + " " + health.body().strip();
      } catch (IOException e) {
        last = e.toString();
      }
      if (!starting.getAsBoolean()) {
        throw new IllegalStateException("Zipkin at " + baseUrl + " stopped before it was healthy (" + last + ")");
      }
      if (System.nanoTime() - deadline >= 0L) {
        throw new IllegalStateException("Zipkin at " + baseUrl + " was not healthy within " + timeout.toSeconds()
            + " s; GET /health: " + last);
      }
      pause();
    }
  }

  /**
   * Waits until the trace {@code traceId} has spans of every one of {@code services}, and returns
   * its spans.
   *
   * @throws IllegalStateException when {@code timeout} passes first, saying which services were there
   */
  public List<Span> awaitServices(String traceId, Set<String> services, Duration timeout) {
    return await(traceId, "spans of " + new TreeSet<>(services), spans -> services(spans).containsAll(services),
        timeout);
  }

  /**
   * Waits until the spans Zipkin has of the trace {@code traceId} satisfy {@code complete}, and
   * returns them.
   *
   * @param what what {@code complete} checks, for the failure message
   * @throws IllegalStateException when {@code timeout} passes first, saying what was there
   */
  public List<Span> await(String traceId, String what, Predicate<List<Span>> complete, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Span> spans = List.of();
    String failure = null;
    while (true) {
      try {
        spans = spans(traceId);
        failure = null;
        if (complete.test(spans)) return spans;
      } catch (IOException e) {
        failure = e.toString();
      }
      if (System.nanoTime() - deadline >= 0L) {
        throw new IllegalStateException("trace " + traceId + " did not have " + what + " in Zipkin at " + baseUrl
            + " within " + timeout.toSeconds() + " s; it had " + spans.size() + " spans of " + services(spans)
            + (failure != null ? " (" + failure + ")" : ""));
      }
      pause();
    }
  }

  /**
   * The spans Zipkin has of the trace {@code traceId} now: none when it has none.
   *
   * @throws IOException when Zipkin cannot be asked, or answers with an error
   */
  public List<Span> spans(String traceId) throws IOException {
    HttpResponse<String> response = get("/api/v2/trace/" + traceId);
    if (response.statusCode() == 404) return List.of(); // no span of it
    if (response.statusCode() != 200) {
      throw new IOException("GET /api/v2/trace/" + traceId + " answered " + response.statusCode());
    }
    return SpanBytesDecoder.JSON_V2.decodeList(response.body().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * True when {@code spans} are one tree: exactly one has no parent, and every other's parent is
   * among them.
   */
  public static boolean isConnected(List<Span> spans) {
    Set<String> ids = spans.stream().map(Span::id).collect(Collectors.toSet());
    return spans.stream().filter(s -> s.parentId() == null).count() == 1
        && spans.stream().allMatch(s -> s.parentId() == null || ids.contains(s.parentId()));
  }

  /**
   * Each service's {@link KeepPolicy#TAG} values in {@code spans} (why its part was kept), by
   * service name; a service with an untagged span (a head-sampled part) maps to {@code sampled}.
   */
  public static Map<String, Set<String>> keepReasons(List<Span> spans) {
    Map<String, Set<String>> reasons = new TreeMap<>();
    for (Span span : spans) {
      reasons.computeIfAbsent(span.localServiceName(), k -> new TreeSet<>())
          .add(span.tags().getOrDefault(KeepPolicy.TAG, HEAD_SAMPLED));
    }
    return reasons;
  }

  /** The services that recorded {@code spans}. */
  public static Set<String> services(List<Span> spans) {
    return spans.stream().map(Span::localServiceName).collect(Collectors.toCollection(TreeSet::new));
  }

  private HttpResponse<String> get(String path) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(REQUEST_TIMEOUT).build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during GET " + baseUrl + path, e);
    }
  }

  private static void pause() {
    try {
      Thread.sleep(POLL_PAUSE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Zipkin", e);
    }
  }
}
