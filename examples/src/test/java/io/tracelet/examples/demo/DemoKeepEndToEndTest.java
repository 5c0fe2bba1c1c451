package io.tracelet.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.KeepPolicy;
import io.tracelet.TracingCounters;
import io.tracelet.examples.demo.Traffic.Case;
import io.tracelet.examples.demo.Traffic.Result;
import io.tracelet.testing.servers.KafkaBroker;
import io.tracelet.testing.servers.KafkaBrokerExtension;
import io.tracelet.testing.servers.ZipkinServer;
import io.tracelet.testing.servers.ZipkinServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import zipkin2.Span;

/**
 * The demo with {@code --sample 0}: head sampling records nothing, and every service's keep policy
 * keeps its part of a trace that failed or was slow ({@link Reporting}). Runs {@link Demo#run} with
 * the real Kafka broker and Zipkin server, three purchases (plain, slow, declined), and checks
 * through Zipkin's API that the declined and slow traces are each one tree from {@code web} down to
 * the service that failed or was slow, every span tagged with why it was kept, that the plain trace
 * is absent, and that the services' counters say the same as Zipkin.
 *
 * <p>In the demo each caller sees the failure or the wait itself ({@code web} records the 402 as an
 * error; its root lasts the 1.2 s of the far warehouse too), and the policy checks its own error
 * and slowness before a downstream keep: so every kept part says {@code error} or {@code slow},
 * none {@code downstream}, although the callee's {@code server-timing} answer said to keep it too.
 */
@ExtendWith({KafkaBrokerExtension.class, ZipkinServerExtension.class})
class DemoKeepEndToEndTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern TRACE_ID = Pattern.compile("\"traceId\":\"([0-9a-f]+)\"");

  private static String output;
  private static Demo.Outcome outcome;
  private static Map<Case, Result> byCase;
  private static Map<Case, ZipkinTrace> kept;
  private static ZipkinTraces zipkinTraces;
  private static String zipkinUrl;

  @BeforeAll static void runTheDemoSamplingNothing(KafkaBroker kafka, ZipkinServer zipkin) throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    outcome = Demo.run(Demo.Options.parse("--requests", "3", "--sample", "0", "--zipkin", zipkin.baseUrl(),
        "--kafka", kafka.bootstrapServers()), new PrintStream(printed, true, StandardCharsets.UTF_8));
    output = printed.toString(StandardCharsets.UTF_8);
    byCase = outcome.results().stream().collect(Collectors.toMap(r -> r.purchase().shows(), r -> r));

    zipkinUrl = zipkin.baseUrl();
    zipkinTraces = new ZipkinTraces(zipkinUrl);
    kept = new TreeMap<>();
    for (Case shows : List.of(Case.DECLINED, Case.SLOW)) {
      Set<String> expected = keptSpans(shows);
      kept.put(shows, new ZipkinTrace(zipkinTraces.await(byCase.get(shows).traceId(), "the spans " + expected,
          spans -> new ZipkinTrace(spans).names().containsAll(expected), TIMEOUT)));
    }
  }

  @Test void everyPurchaseGetsTheAnswerItsCaseCallsFor() {
    assertThat(outcome.results()).extracting(r -> r.purchase().shows())
        .containsExactly(Case.PLAIN, Case.SLOW, Case.DECLINED);
    assertThat(outcome.results()).allSatisfy(r -> assertThat(r.status()).isEqualTo(r.purchase().expectedStatus()));
  }

  @Test void theDeclinedTraceIsOneTreeFromWebDownToTheFailingService() {
    // web recorded the 402 as its own error, which the policy checks before the downstream keep.
    ZipkinTrace trace = keptTree(Case.DECLINED, KeepPolicy.ERROR);
    assertThat(ZipkinTraces.services(trace.spans())).containsExactlyInAnyOrder("web", "orders");
    assertThat(trace.span("orders", "post /orders").parentId()).isEqualTo(trace.span("web", "post").id());
    assertThat(trace.span("orders", "charge card").tags()).containsEntry("error", "card ...0002 declined");
  }

  @Test void theSlowTraceIsOneTreeFromWebDownToTheSlowService() {
    ZipkinTrace trace = keptTree(Case.SLOW, KeepPolicy.SLOW);
    assertThat(ZipkinTraces.services(trace.spans())).containsExactlyInAnyOrder("web", "inventory");
    Span reserved = trace.span("inventory", "demo.inventory/reserve");
    assertThat(reserved.parentId()).isEqualTo(trace.span("web", "demo.inventory/reserve").id());
    long slowMicros = InventoryService.FAR_WAREHOUSE_TIME.toNanos() / 1000;
    assertThat(trace.span("inventory", "check far warehouse").durationAsLong()).isGreaterThanOrEqualTo(slowMicros);
  }

  // The kept trace of the purchase that shows `shows`: its kept parts' spans, one tree rooted at web's
  // checkout, each span tagged with `reason`.
  private static ZipkinTrace keptTree(Case shows, String reason) {
    ZipkinTrace trace = kept.get(shows);
    assertThat(trace.names()).containsExactlyInAnyOrderElementsOf(keptSpans(shows));
    trace.assertConnected();
    assertThat(trace.span("web", "post /checkout").parentId()).isNull();
    assertThat(trace.spans()).allSatisfy(s -> assertThat(s.tags()).as("%s", s).containsEntry(KeepPolicy.TAG, reason));
    return trace;
  }

  @Test void zipkinFindsTheKeptTracesByTheirTag() throws Exception {
    // As tracer-core/README.md tells: annotationQuery=sampling.keep=<reason> in Zipkin's API.
    assertThat(tracesTagged("sampling.keep=error")).contains(byCase.get(Case.DECLINED).traceId())
        .doesNotContain(byCase.get(Case.SLOW).traceId());
    assertThat(tracesTagged("sampling.keep=slow")).contains(byCase.get(Case.SLOW).traceId())
        .doesNotContain(byCase.get(Case.DECLINED).traceId());
    assertThat(tracesTagged("sampling.keep")).contains(byCase.get(Case.SLOW).traceId(),
        byCase.get(Case.DECLINED).traceId()).doesNotContain(byCase.get(Case.PLAIN).traceId());
  }

  @Test void thePlainTraceIsNotInZipkin() throws Exception {
    assertThat(zipkinTraces.spans(byCase.get(Case.PLAIN).traceId())).isEmpty();
  }

  @Test void theServicesCountersSayWhatZipkinHolds() throws Exception {
    // Every request the shop served: the warm-up purchase (kept only if the cold start made it slow) and
    // the three listed ones.
    List<Result> served = new ArrayList<>(outcome.results());
    served.add(outcome.warmUp());
    List<Span> inZipkin = new ArrayList<>();
    for (Result result : served) inZipkin.addAll(zipkinTraces.spans(result.traceId()));
    Map<String, TracingCounters> counters = outcome.counters();
    assertThat(counters).containsOnlyKeys(Shop.SERVICES);

    for (String service : List.of("web", "inventory", "orders")) {
      TracingCounters c = counters.get(service);
      List<Span> own = inZipkin.stream().filter(s -> service.equals(s.localServiceName())).toList();
      assertThat(c.spansReported()).as("%s spans reported", service).isEqualTo(own.size());
      Map<String, Long> keptInZipkin = keptInZipkin(inZipkin, service);
      assertThat(c.localTracesKept()).as("%s local parts kept", service).isEqualTo(keptInZipkin);
      long parts = served.stream().filter(r -> r.purchase().services().contains(service)).count();
      long keptParts = keptInZipkin.values().stream().mapToLong(Long::longValue).sum();
      assertThat(c.localTracesDiscarded()).as("%s local parts discarded", service).isEqualTo(parts - keptParts);
    }
    // The listed purchases' parts alone: web kept the slow and the declined one, inventory the slow one,
    // orders the declined one.
    assertThat(counters.get("web").localTracesKept()).containsEntry(KeepPolicy.ERROR, 1L);
    assertThat(counters.get("web").localTracesKept().get(KeepPolicy.SLOW)).isBetween(1L, 2L);
    assertThat(counters.get("orders").localTracesKept()).containsEntry(KeepPolicy.ERROR, 1L);
    // shipping answers nobody and nothing of it failed or was slow: it kept nothing. (How many of its
    // parts it discarded depends on how many orders it had polled when the shop closed.)
    assertThat(counters.get("shipping").localTracesKept().values()).containsOnly(0L);
    assertThat(ZipkinTraces.services(inZipkin)).doesNotContain("shipping");
    assertThat(counters.values()).allSatisfy(c -> {
      assertThat(c.provisionalSpansOverflowed()).isZero();
      assertThat(c.provisionalSpansPending()).isZero();
    });
  }

  @Test void theSummarySaysWhichTracesWereKeptAndWhy() {
    assertThat(output).contains("Sampling: head sampling records no trace; the keep policy keeps the rest where "
        + "they failed, took longer than 1000 ms, or a service called kept them.");
    assertThat(output).contains("  warm-up: one book -> 200 in ").contains(", trace " + outcome.warmUp().traceId());
    assertThat(output).contains("Zipkin has every trace it should (2 of 3):");
    assertThat(output).contains("kept: web=slow, inventory=slow").contains("kept: web=error, orders=error");
    assertThat(output).contains("Not kept, and none of their spans is in Zipkin (1):\n   1  200  book   trace "
        + byCase.get(Case.PLAIN).traceId() + "  ok");
    outcome.counters().forEach((service, c) -> assertThat(output).contains(String.format(
        "  %-9s  kept %s; discarded %d; overflowed 0", service, c.localTracesKept(), c.localTracesDiscarded())));
  }

  // The IDs of the traces Zipkin's search finds by annotationQuery.
  private static Set<String> tracesTagged(String annotationQuery) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(zipkinUrl
        + "/api/v2/traces?limit=1000&annotationQuery=" + URLEncoder.encode(annotationQuery, StandardCharsets.UTF_8)))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s: %s", response.uri(), response.body()).isEqualTo(200);
    Set<String> ids = new TreeSet<>(); // the answer is a list of traces, each a list of spans
    for (Matcher m = TRACE_ID.matcher(response.body()); m.find(); ) ids.add(m.group(1));
    return ids;
  }

  /**
   * The kept parts' spans: the head-sampled trace's ({@link DemoEndToEndTest#expectedSpans}) of the
   * services {@link Traffic.Purchase#keptServices()} names.
   */
  private static Set<String> keptSpans(Case shows) {
    Set<String> services = new Traffic.Purchase("", "", shows).keptServices();
    return DemoEndToEndTest.expectedSpans(shows).stream()
        .filter(name -> services.contains(name.substring(0, name.indexOf(' '))))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  // Local parts of service in Zipkin by their reason: its spans whose parent is not its own, each
  // the local root of one part, which carries the part's sampling.keep tag.
  private static Map<String, Long> keptInZipkin(List<Span> spans, String service) {
    Map<String, String> serviceOf = spans.stream().collect(Collectors.toMap(Span::id, Span::localServiceName, (a, b) -> a));
    Map<String, Long> kept = new TreeMap<>(Map.of(KeepPolicy.ERROR, 0L, KeepPolicy.SLOW, 0L, KeepPolicy.DOWNSTREAM, 0L));
    spans.stream()
        .filter(s -> service.equals(s.localServiceName()) && !service.equals(serviceOf.get(s.parentId())))
        .forEach(s -> kept.merge(s.tags().getOrDefault(KeepPolicy.TAG, "untagged"), 1L, Long::sum));
    return kept;
  }
}
