package io.tracelet.examples.scaleout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import zipkin2.Span;
import zipkin2.codec.SpanBytesDecoder;

/**
 * Reads traces back from Zipkin's API in bulk ({@code GET /api/v2/traceMany}, {@value #CHUNK} IDs a
 * request) and counts what is there: the distinct spans of each trace, and the copies Zipkin
 * returns beyond one (a span stored twice, as Zipkin's Kafka collector does for records it
 * collected again after a crash, is returned twice by the API; its UI shows it once). Thread-safe.
 */
final class StoredSpans {
  static final int CHUNK = 100;
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final String baseUrl;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  StoredSpans(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /**
   * What one count found: distinct spans, extra copies of them, and traces that have other than
   * the expected number of distinct spans (missing ones count too). For telling which event caused
   * what: the timestamp of each extra copy, and the spans missing from each trace short of spans.
   */
  record Count(long spans, long duplicates, long incompleteTraces, String firstIncomplete,
      List<Long> duplicateMicros, Map<String, Integer> missingByTrace) {
    Count {
      duplicateMicros = List.copyOf(duplicateMicros);
      missingByTrace = Map.copyOf(missingByTrace);
    }

    /** True when every expected span is there (copies aside). */
    boolean complete(long expectedSpans) {
      return spans == expectedSpans && incompleteTraces == 0;
    }
  }

  /**
   * Counts the distinct spans Zipkin returns for {@code traceIds}, the extra copies of span IDs
   * returned more than once in a trace, and the traces with other than {@code spansPerTrace}
   * distinct spans.
   */
  Count count(List<String> traceIds, int spansPerTrace) throws IOException, InterruptedException {
    long spans = 0;
    long incomplete = 0;
    String firstIncomplete = null;
    List<Long> duplicateMicros = new ArrayList<>();
    Map<String, Integer> missingByTrace = new HashMap<>();
    for (int from = 0; from < traceIds.size(); from += CHUNK) {
      List<String> chunk = traceIds.subList(from, Math.min(traceIds.size(), from + CHUNK));
      Set<String> missing = new HashSet<>(chunk);
      for (List<Span> trace : traceMany(chunk)) {
        Set<String> ids = new HashSet<>();
        for (Span span : trace) {
          if (!ids.add(span.id())) duplicateMicros.add(span.timestampAsLong());
        }
        spans += ids.size();
        String traceId = trace.get(0).traceId();
        missing.remove(traceId);
        if (ids.size() != spansPerTrace) {
          incomplete++;
          if (firstIncomplete == null) firstIncomplete = traceId;
          if (ids.size() < spansPerTrace) missingByTrace.put(traceId, spansPerTrace - ids.size());
        }
      }
      incomplete += missing.size();
      for (String traceId : missing) missingByTrace.put(traceId, spansPerTrace);
      if (firstIncomplete == null && !missing.isEmpty()) firstIncomplete = missing.iterator().next();
    }
    return new Count(spans, duplicateMicros.size(), incomplete, firstIncomplete, duplicateMicros, missingByTrace);
  }

  private List<List<Span>> traceMany(List<String> traceIds) throws IOException, InterruptedException {
    URI uri = URI.create(baseUrl + "/api/v2/traceMany?traceIds=" + String.join(",", traceIds));
    HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + uri + " answered " + response.statusCode() + ": " + new String(response.body()));
    }
    List<List<Span>> traces = new ArrayList<>();
    for (int[] range : innerArrays(response.body())) {
      byte[] json = new byte[range[1] - range[0]];
      System.arraycopy(response.body(), range[0], json, 0, json.length);
      List<Span> trace = SpanBytesDecoder.JSON_V2.decodeList(json);
      if (!trace.isEmpty()) traces.add(trace);
    }
    return traces;
  }

  /** Where each element of a JSON array of arrays starts and ends: {start, end exclusive}. */
  static List<int[]> innerArrays(byte[] json) {
    List<int[]> ranges = new ArrayList<>();
    int depth = 0;
    int start = -1;
    boolean inString = false;
    for (int i = 0; i < json.length; i++) {
      byte c = json[i];
      if (inString) {
        if (c == '\\') {
          i++; // the escaped character, whatever it is
        } else if (c == '"') {
          inString = false;
        }
        continue;
      }
      if (c == '"') {
        inString = true;
      } else if (c == '[' || c == '{') {
        if (++depth == 2 && c == '[') start = i;
      } else if (c == ']' || c == '}') {
        if (depth-- == 2 && c == ']') ranges.add(new int[] {start, i + 1});
      }
    }
    return ranges;
  }
}
