package io.tracelet.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tracelet.examples.demo.Traffic.Case;
import io.tracelet.examples.demo.Traffic.Result;
import io.tracelet.testing.servers.KafkaBroker;
import io.tracelet.testing.servers.KafkaBrokerExtension;
import io.tracelet.testing.servers.ZipkinServer;
import io.tracelet.testing.servers.ZipkinServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import zipkin2.Span;

/**
 * Runs the demo as {@code demo.sh} does, less the shell: {@link Demo#run} with the real Kafka broker
 * and a real Zipkin server that collects it, three purchases (plain, slow, declined), and then
 * reads every trace back from Zipkin's API.
 */
@ExtendWith({KafkaBrokerExtension.class, ZipkinServerExtension.class})
class DemoEndToEndTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern KAFKA_SPANS =
      Pattern.compile("(?m)^zipkin_collector_spans_total\\{[^}]*transport=\"kafka\"[^}]*} (\\S+)$");

  private static final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private static String output;
  private static List<Result> results;
  private static Map<Case, ZipkinTrace> traces;
  private static ZipkinServer zipkin;
  private static double kafkaSpansBefore;

  @BeforeAll static void runTheDemo(KafkaBroker kafka, ZipkinServer zipkinServer) throws Exception {
    zipkin = zipkinServer;
    kafkaSpansBefore = kafkaSpansCollected();
    logs.start();
    for (String service : Shop.SERVICES) serviceLogger(service).addAppender(logs);

    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    results = Demo.run(Demo.Options.parse("--requests", "3", "--zipkin", zipkin.baseUrl(),
        "--kafka", kafka.bootstrapServers()), new PrintStream(printed, true, StandardCharsets.UTF_8)).results();
    output = printed.toString(StandardCharsets.UTF_8);

    ZipkinTraces zipkinTraces = new ZipkinTraces(zipkin.baseUrl());
    traces = results.stream().collect(Collectors.toMap(r -> r.purchase().shows(), r -> {
      Set<String> expected = expectedSpans(r.purchase().shows());
      return new ZipkinTrace(zipkinTraces.await(r.traceId(), "the spans " + expected,
          spans -> new ZipkinTrace(spans).names().containsAll(expected), TIMEOUT));
    }));
  }

  @AfterAll static void stopCapturingLogs() {
    for (String service : Shop.SERVICES) serviceLogger(service).detachAppender(logs);
  }

  @Test void everyPurchaseGetsTheAnswerItsCaseCallsFor() {
    assertThat(results).extracting(r -> r.purchase().shows()).containsExactly(Case.PLAIN, Case.SLOW, Case.DECLINED);
    assertThat(results).allSatisfy(r -> assertThat(r.status()).isEqualTo(r.purchase().expectedStatus()));
    assertThat(results).extracting(Result::traceId).doesNotHaveDuplicates()
        .allSatisfy(id -> assertThat(id).matches("[0-9a-f]{32}"));
  }

  @Test void printsEachRequestsTraceIdAndZipkinLink() {
    for (Result result : results) {
      assertThat(output).contains("request " + result.number() + "/3: one " + result.purchase().item() + " -> "
          + result.status());
      assertThat(output).contains("trace " + result.traceId() + "  " + zipkin.baseUrl() + "/zipkin/traces/"
          + result.traceId());
    }
    assertThat(output).contains("Zipkin has every trace (3):");
  }

  @Test void aPlainPurchaseIsOneTraceThroughEveryServiceParentToChild() {
    ZipkinTrace trace = traces.get(Case.PLAIN);
    assertThat(ZipkinTraces.services(trace.spans())).containsExactlyInAnyOrderElementsOf(Shop.SERVICES);
    assertThat(trace.names()).containsExactlyInAnyOrderElementsOf(expectedSpans(Case.PLAIN));
    trace.assertConnected();

    Span checkout = trace.span("web", "post /checkout");
    assertThat(checkout.parentId()).isNull();
    assertThat(checkout.kind()).isEqualTo(Span.Kind.SERVER);
    assertThat(checkout.tags()).containsEntry("http.status_code", "200").doesNotContainKey("error");
    // Work on the wrapped executor stays in the request's trace.
    assertThat(trace.span("web", "quote price").parentId()).isEqualTo(checkout.id());
    assertThat(trace.span("web", "screen for fraud").parentId()).isEqualTo(checkout.id());
    // web --gRPC--> inventory
    Span reserve = trace.span("web", "demo.inventory/reserve");
    assertThat(reserve.kind()).isEqualTo(Span.Kind.CLIENT);
    assertThat(reserve.parentId()).isEqualTo(checkout.id());
    Span reserved = trace.span("inventory", "demo.inventory/reserve");
    assertThat(reserved.kind()).isEqualTo(Span.Kind.SERVER);
    assertThat(reserved.parentId()).isEqualTo(reserve.id());
    assertThat(reserved.tags()).containsEntry("grpc.status_code", "OK");
    // web --HTTP (JDK HttpClient)--> orders (servlet)
    Span post = trace.span("web", "post");
    assertThat(post.kind()).isEqualTo(Span.Kind.CLIENT);
    assertThat(post.parentId()).isEqualTo(checkout.id());
    assertThat(post.tags()).containsEntry("http.path", "/orders").containsEntry("http.status_code", "201");
    Span orders = trace.span("orders", "post /orders");
    assertThat(orders.kind()).isEqualTo(Span.Kind.SERVER);
    assertThat(orders.parentId()).isEqualTo(post.id());
    // The servlet filter names the span after the servlet's mapping, and tags it as the route.
    assertThat(orders.tags()).containsEntry("http.status_code", "201").containsEntry("http.route", "/orders");
    assertThat(trace.span("orders", "charge card").parentId()).isEqualTo(orders.id());
    // orders --Kafka--> shipping
    Span send = trace.span("orders", "send");
    assertThat(send.kind()).isEqualTo(Span.Kind.PRODUCER);
    assertThat(send.parentId()).isEqualTo(orders.id());
    assertThat(send.tags()).containsEntry("kafka.topic", OrdersService.TOPIC);
    Span poll = trace.span("shipping", "poll");
    assertThat(poll.kind()).isEqualTo(Span.Kind.CONSUMER);
    assertThat(poll.parentId()).isEqualTo(send.id());
    Span ship = trace.span("shipping", "ship order");
    assertThat(ship.parentId()).isEqualTo(poll.id());
    assertThat(trace.span("shipping", "book courier").parentId()).isEqualTo(ship.id());
  }

  @Test void aSlowPurchaseShowsWhereTheTimeWent() {
    ZipkinTrace trace = traces.get(Case.SLOW);
    assertThat(ZipkinTraces.services(trace.spans())).containsExactlyInAnyOrderElementsOf(Shop.SERVICES);
    trace.assertConnected();
    long slowMicros = InventoryService.FAR_WAREHOUSE_TIME.toNanos() / 1000;
    Span reserved = trace.span("inventory", "demo.inventory/reserve");
    Span warehouse = trace.span("inventory", "check far warehouse");
    assertThat(warehouse.parentId()).isEqualTo(reserved.id());
    assertThat(warehouse.durationAsLong()).isGreaterThanOrEqualTo(slowMicros);
    assertThat(trace.span("web", "post /checkout").durationAsLong()).isGreaterThanOrEqualTo(slowMicros);
    // The plain purchase did not go through the far warehouse, and took less than it.
    assertThat(traces.get(Case.PLAIN).names()).doesNotContain("inventory check far warehouse");
    assertThat(traces.get(Case.PLAIN).span("inventory", "demo.inventory/reserve").durationAsLong())
        .isLessThan(slowMicros);
  }

  @Test void aDeclinedPurchaseShowsTheErrorAndShipsNothing() {
    ZipkinTrace trace = traces.get(Case.DECLINED);
    assertThat(ZipkinTraces.services(trace.spans())).containsExactlyInAnyOrder("web", "inventory", "orders");
    assertThat(trace.names()).containsExactlyInAnyOrderElementsOf(expectedSpans(Case.DECLINED));
    trace.assertConnected();
    String declined = "card ...0002 declined";
    assertThat(trace.span("orders", "charge card").tags()).containsEntry("error", declined);
    assertThat(trace.span("orders", "post /orders").tags())
        .containsEntry("error", declined).containsEntry("http.status_code", "402");
    assertThat(trace.span("web", "post /checkout").tags())
        .containsEntry("error", "orders answered 402: " + declined).containsEntry("http.status_code", "402");
  }

  @Test void everyServiceLogLineCarriesItsRequestsTraceId() {
    List<ILoggingEvent> events;
    synchronized (logs) {
      events = new ArrayList<>(logs.list);
    }
    Map<String, List<ILoggingEvent>> byTrace = events.stream()
        .collect(Collectors.groupingBy(e -> String.valueOf(e.getMDCPropertyMap().get("traceId"))));
    assertThat(byTrace.keySet()).containsExactlyInAnyOrderElementsOf(results.stream().map(Result::traceId).toList());
    for (Result result : results) {
      List<ILoggingEvent> lines = byTrace.get(result.traceId());
      assertThat(lines).extracting(ILoggingEvent::getLoggerName).containsAll(result.purchase().services());
      // Lines logged on web's worker pool carry the trace of the request that submitted the work.
      assertThat(lines).filteredOn(e -> e.getThreadName().startsWith("web-worker"))
          .extracting(ILoggingEvent::getFormattedMessage)
          .containsExactlyInAnyOrder(result.purchase().item() + " costs "
              + Money.format(Item.byId(result.purchase().item()).orElseThrow().priceCents),
              "card screened: no fraud suspected");
    }
  }

  @Test void ordersAndShippingReportThroughKafkaIntoZipkinsCollector() throws Exception {
    long kafkaServices = traces.values().stream().flatMap(t -> t.spans().stream())
        .filter(s -> Set.of("orders", "shipping").contains(s.localServiceName())).count();
    assertThat(kafkaSpansCollected() - kafkaSpansBefore).isGreaterThanOrEqualTo(kafkaServices);
  }

  private static Logger serviceLogger(String service) {
    return (Logger) LoggerFactory.getLogger(service);
  }

  private static double kafkaSpansCollected() throws Exception {
    HttpResponse<String> metrics = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send( // no h2c upgrade: Zipkin closed upgraded connections on JDK 25
        HttpRequest.newBuilder(URI.create(zipkin.baseUrl() + "/prometheus")).build(),
        HttpResponse.BodyHandlers.ofString());
    Matcher matcher = KAFKA_SPANS.matcher(metrics.body());
    return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
  }

  /** The "service span-name" of every span a purchase's trace has when head sampling recorded it. */
  static Set<String> expectedSpans(Case shows) {
    Set<String> names = new java.util.TreeSet<>(Set.of("web post /checkout", "web quote price",
        "web screen for fraud", "web demo.inventory/reserve", "web post", "inventory demo.inventory/reserve",
        "orders post /orders", "orders charge card"));
    if (shows != Case.DECLINED) {
      names.addAll(Set.of("orders send", "shipping poll", "shipping ship order", "shipping book courier"));
    }
    if (shows == Case.SLOW) names.add("inventory check far warehouse");
    return names;
  }
}
