package io.tracelet.testing.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Reads a Prometheus server through its HTTP API: instant queries ({@link #query}), exemplars
 * ({@link #exemplars}) and alerts ({@link #alerts}), each with an {@code await} form that polls every
 * 200 ms until the answer satisfies the caller or a deadline passes. {@link PrometheusServer#client()}
 * reads the server it started; {@link #of(String)} any other.
 *
 * <p>Thread-safe; each read sends one HTTP request (5-second timeout).
 */
public final class PrometheusClient {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration POLL_PAUSE = Duration.ofMillis(200);

  private final String baseUrl;
  private final BooleanSupplier running;
  private final HttpClient http;

  PrometheusClient(String baseUrl, BooleanSupplier running) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.running = running;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(REQUEST_TIMEOUT).build();
  }

  /** A client of the Prometheus at {@code baseUrl}, such as {@code http://127.0.0.1:9090}. */
  public static PrometheusClient of(String baseUrl) {
    Objects.requireNonNull(baseUrl, "baseUrl == null");
    return new PrometheusClient(baseUrl, () -> true);
  }

  /** The server's address, without a trailing slash. */
  public String baseUrl() {
    return baseUrl;
  }

  /** One series of an instant query's answer: its labels (the name under {@code __name__}) and value. */
  public record Sample(Map<String, String> labels, double value) {
  }

  /**
   * One exemplar as {@code /api/v1/query_exemplars} answers it: the labels of its series, its own
   * labels ({@code trace_id}, {@code span_id}), the value observed and when (epoch seconds).
   */
  public record Exemplar(Map<String, String> seriesLabels, Map<String, String> labels, double value,
      double timestamp) {
  }

  /** An alert as {@code /api/v1/alerts} answers it: {@code state} is {@code pending} or {@code firing}. */
  public record Alert(Map<String, String> labels, Map<String, String> annotations, String state, String value) {
    /** The alert's name, its label {@code alertname}. */
    public String name() {
      return labels.get("alertname");
    }
  }

  /** The answer to the instant query {@code promql}, now. */
  public List<Sample> query(String promql) {
    Map<String, Object> data = map(data("/api/v1/query?query=" + encode(promql)));
    List<Sample> samples = new ArrayList<>();
    if (!"vector".equals(data.get("resultType"))) {
      throw new IllegalArgumentException("not a query for a vector: " + promql + " gives " + data.get("resultType"));
    }
    for (Object r : list(data.get("result"))) {
      Map<String, Object> result = map(r);
      samples.add(new Sample(strings(result.get("metric")), Double.parseDouble((String) list(result.get("value")).get(1))));
    }
    return samples;
  }

  /** The exemplars of the series {@code promql} selects, over the last {@code lookback}. */
  public List<Exemplar> exemplars(String promql, Duration lookback) {
    Instant end = Instant.now().plusSeconds(1);
    Instant start = end.minus(lookback);
    Object data = data("/api/v1/query_exemplars?query=" + encode(promql) + "&start=" + start.getEpochSecond()
        + "&end=" + end.getEpochSecond());
    List<Exemplar> exemplars = new ArrayList<>();
    for (Object s : list(data)) {
      Map<String, Object> series = map(s);
      Map<String, String> seriesLabels = strings(series.get("seriesLabels"));
      for (Object e : list(series.get("exemplars"))) {
        Map<String, Object> exemplar = map(e);
        exemplars.add(new Exemplar(seriesLabels, strings(exemplar.get("labels")),
            Double.parseDouble((String) exemplar.get("value")), ((Number) exemplar.get("timestamp")).doubleValue()));
      }
    }
    return exemplars;
  }

  /** The alerts pending or firing now. */
  public List<Alert> alerts() {
    List<Alert> alerts = new ArrayList<>();
    for (Object a : list(map(data("/api/v1/alerts")).get("alerts"))) {
      Map<String, Object> alert = map(a);
      alerts.add(new Alert(strings(alert.get("labels")), strings(alert.get("annotations")),
          (String) alert.get("state"), (String) alert.get("value")));
    }
    return alerts;
  }

  /**
   * Polls {@link #query} every 200 ms until its answer satisfies {@code until}, and returns it.
   *
   * @throws AssertionError when {@code timeout} passes first; the message shows the last answer and
   *     the scrape targets' health
   */
  public List<Sample> awaitQuery(String promql, Predicate<List<Sample>> until, Duration timeout) {
    return await("an answer to " + promql, timeout, () -> {
      List<Sample> answer = query(promql);
      return until.test(answer) ? answer : new Last(answer);
    });
  }

  /** Polls {@link #exemplars} as {@link #awaitQuery} polls queries. */
  public List<Exemplar> awaitExemplars(String promql, Duration lookback, Predicate<List<Exemplar>> until,
      Duration timeout) {
    return await("exemplars of " + promql, timeout, () -> {
      List<Exemplar> answer = exemplars(promql, lookback);
      return until.test(answer) ? answer : new Last(answer);
    });
  }

  /** Polls {@link #alerts} as {@link #awaitQuery} polls queries. */
  public List<Alert> awaitAlerts(Predicate<List<Alert>> until, Duration timeout) {
    return await("alerts", timeout, () -> {
      List<Alert> answer = alerts();
      return until.test(answer) ? answer : new Last(answer);
    });
  }

  @Override public String toString() {
    return "Prometheus at " + baseUrl;
  }

  /** An answer that did not satisfy the caller, kept for the failure message. */
  record Last(Object answer) {
  }

  /** Calls {@code poll} every 200 ms until it returns something other than null or {@link Last}, and returns that. */
  @SuppressWarnings("unchecked")
  <T> T await(String what, Duration timeout, Supplier<Object> poll) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Object last = null;
    do {
      try {
        Object answer = poll.get();
        if (answer != null && !(answer instanceof Last)) return (T) answer;
        last = answer instanceof Last l ? l.answer() : answer;
      } catch (UncheckedIOException | IllegalStateException e) {
        last = e.toString(); // not ready yet, or a refusal to retry until the deadline
      }
      if (!running.getAsBoolean()) throw new AssertionError(this + " stopped while waiting for " + what);
      try {
        Thread.sleep(POLL_PAUSE.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, e);
      }
    } while (System.nanoTime() - deadline < 0L);
    throw new AssertionError("Expected " + what + " from " + this + " within " + timeout + "; the last answer was "
        + last + ". Its targets: " + targets());
  }

  /** Each scrape target's job, health and last error, for failure messages. */
  String targets() {
    try {
      List<String> targets = new ArrayList<>();
      for (Object t : list(map(data("/api/v1/targets?state=active")).get("activeTargets"))) {
        Map<String, Object> target = map(t);
        targets.add(map(target.get("labels")).get("job") + " " + target.get("scrapeUrl") + " " + target.get("health")
            + (String.valueOf(target.get("lastError")).isEmpty() ? "" : " (" + target.get("lastError") + ")"));
      }
      return targets.toString();
    } catch (RuntimeException e) {
      return "unknown (" + e + ")";
    }
  }

  /** The {@code data} of a successful API answer to GET {@code pathAndQuery}. */
  Object data(String pathAndQuery) {
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
        .timeout(REQUEST_TIMEOUT).build());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(response.request().uri() + " answered " + response.statusCode() + " "
          + response.body().strip());
    }
    Map<String, Object> body = map(Json.parse(response.body()));
    if (!"success".equals(body.get("status"))) {
      throw new IllegalStateException(response.request().uri() + " answered " + response.body().strip());
    }
    return body.get("data");
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during " + request.method() + " " + request.uri(), e);
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object o) {
    return o == null ? List.of() : (List<Object>) o;
  }

  private static Map<String, String> strings(Object o) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (o != null) map(o).forEach((k, v) -> labels.put(k, String.valueOf(v)));
    return labels;
  }
}
