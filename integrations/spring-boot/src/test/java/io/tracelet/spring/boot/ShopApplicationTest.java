package io.tracelet.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.tracing.Tracer;
import io.tracelet.KeepPolicy;
import io.tracelet.micrometer.tracing.TraceletTracer;
import io.tracelet.reporter.zipkin.ZipkinReporter;
import io.tracelet.spring.boot.shop.ShopApplication;
import io.tracelet.testing.servers.KafkaBroker;
import io.tracelet.testing.servers.KafkaBrokerExtension;
import io.tracelet.testing.servers.ZipkinServer;
import io.tracelet.testing.servers.ZipkinServerExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import zipkin2.Span;
import zipkin2.codec.SpanBytesDecoder;

/**
 * A real Spring Boot 4 application ({@link ShopApplication}: Spring MVC on Tomcat, {@code RestClient},
 * Spring Kafka on a real broker, JDBC on H2, Boot's default logging) with tracelet-spring-boot and Brave's
 * auto-configuration both on its class path, reporting to a real Zipkin server. One application context
 * serves every test: head sampling is off ({@code management.tracing.sampling.probability=0}) and the keep
 * policy keeps failures ({@code tracelet.keep.errors=true}); a request the edge decided to trace carries
 * {@code b3: 1}, which every service follows.
 */
@ExtendWith({OutputCaptureExtension.class, KafkaBrokerExtension.class, ZipkinServerExtension.class})
class ShopApplicationTest {
  static final Pattern CORRELATION = Pattern.compile("\\[([0-9a-f]{32})-([0-9a-f]{16})\\] ");
  static final Duration TIMEOUT = Duration.ofSeconds(30);
  static final AtomicInteger SKUS = new AtomicInteger();

  static ConfigurableApplicationContext app;
  static ZipkinServer zipkin;
  static CapturedOutput output;
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll static void start(KafkaBroker kafka, ZipkinServer zipkinServer, CapturedOutput capturedOutput) {
    zipkin = zipkinServer;
    output = capturedOutput;
    String run = UUID.randomUUID().toString();
    app = new SpringApplicationBuilder(ShopApplication.class).properties(
        "spring.main.banner-mode=off",
        "spring.application.name=shop",
        "server.address=127.0.0.1",
        "server.port=0",
        "spring.datasource.url=jdbc:h2:mem:shop-" + run,
        "spring.sql.init.schema-locations=classpath:shop/schema.sql",
        "spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
        "spring.kafka.consumer.auto-offset-reset=earliest",
        "spring.kafka.template.observation-enabled=true",
        "spring.kafka.listener.observation-enabled=true",
        "shop.topic=orders-" + run,
        "shop.group=shipping-" + run,
        "management.tracing.sampling.probability=0",
        "management.tracing.export.zipkin.endpoint=" + zipkin.spansEndpoint(),
        "tracelet.keep.errors=true",
        "tracelet.queue.max-batch-delay=100ms").run();
  }

  @AfterAll static void stop() {
    if (app != null) app.close();
  }

  @Test void itIsTraceletThatTraces_thoughBraveIsOnTheClassPath() {
    assertThat(app.getBean(Tracer.class)).isInstanceOf(TraceletTracer.class);
  }

  @Test void theZipkinReporter_postsToTheEndpointProperty_withTheJdksClient() {
    assertThat(app.getBean(ZipkinReporter.class))
        .hasToString("ZipkinReporter{JdkHttpSender{" + zipkin.spansEndpoint() + "}}");
  }

  @Test void aTracedRequest_isOneConnectedTraceInZipkin_withEveryHop_andItsIdsInTheLogs() throws Exception {
    String sku = "sku-" + SKUS.incrementAndGet();
    HttpResponse<String> response = get("/checkout/" + sku, "b3", "1");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ordered " + sku + ", 0 in stock");
    assertThat(app.getBean(ShopApplication.Shipping.class).awaitShipped(TIMEOUT.toSeconds())).isEqualTo(sku);

    String[] checkout = ids(awaitLine("checkout " + sku));
    String traceId = checkout[0];
    List<Span> spans = SpanBytesDecoder.JSON_V2.decodeList(
        zipkin.trace(traceId, 6, TIMEOUT).getBytes(StandardCharsets.UTF_8));

    assertThat(spans).as(describe(spans)).hasSize(6)
        .allSatisfy(s -> assertThat(s.localServiceName()).isEqualTo("shop"));
    Span root = only(spans, s -> s.parentId() == null);
    assertThat(root.kind()).isEqualTo(Span.Kind.SERVER);
    assertThat(root.name()).isEqualTo("http get /checkout/{sku}");
    assertThat(root.id()).as("the span of the checkout log line").isEqualTo(checkout[1]);

    Span client = only(spans, s -> s.kind() == Span.Kind.CLIENT && root.id().equals(s.parentId()));
    assertThat(client.tags()).containsEntry("http.url",
        "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port") + "/inventory/" + sku);
    Span inventory = only(spans, s -> s.kind() == Span.Kind.SERVER && client.id().equals(s.parentId()));
    assertThat(inventory.name()).isEqualTo("http get /inventory/{sku}");
    Span query = only(spans, s -> s.kind() == Span.Kind.CLIENT && inventory.id().equals(s.parentId()));
    assertThat(query.tags()).containsEntry("db.system", "h2")
        .containsEntry("db.statement", "SELECT COUNT(*) FROM inventory WHERE sku = ?");
    Span producer = only(spans, s -> s.kind() == Span.Kind.PRODUCER && root.id().equals(s.parentId()));
    Span consumer = only(spans, s -> s.kind() == Span.Kind.CONSUMER && producer.id().equals(s.parentId()));

    assertThat(ids(awaitLine("stock of " + sku))).containsExactly(traceId, inventory.id());
    assertThat(ids(awaitLine("shipping " + sku))).containsExactly(traceId, consumer.id());
  }

  @Test void samplingZero_withTheKeepPolicy_stillReportsAFailedRequest() throws Exception {
    String sku = "sku-" + SKUS.incrementAndGet();
    assertThat(get("/checkout/" + sku + "?card=declined").statusCode()).isEqualTo(500);

    String[] checkout = ids(awaitLine("checkout " + sku));
    List<Span> spans = SpanBytesDecoder.JSON_V2.decodeList(
        zipkin.trace(checkout[0], 2, TIMEOUT).getBytes(StandardCharsets.UTF_8));
    Span root = only(spans, s -> s.id().equals(checkout[1]));
    assertThat(root.kind()).isEqualTo(Span.Kind.SERVER);
    assertThat(root.tags()).as(describe(spans)).containsEntry(KeepPolicy.TAG, KeepPolicy.ERROR)
        .containsEntry("error", "card declined for " + sku);
    Span client = only(spans, s -> s.kind() == Span.Kind.CLIENT && root.id().equals(s.parentId()));
    assertThat(client.tags()).containsEntry(KeepPolicy.TAG, KeepPolicy.ERROR);
  }

  static HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port") + path))
        .timeout(TIMEOUT);
    if (headers.length > 0) request.headers(headers);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The trace and span IDs of a log line, as Boot's default pattern prints them. */
  static String[] ids(String line) {
    Matcher m = CORRELATION.matcher(line);
    assertThat(m.find()).as("correlation IDs in: %s", line).isTrue();
    return new String[] {m.group(1), m.group(2)};
  }

  /** The first line of the captured output that contains {@code text}, waiting for it up to the timeout. */
  static String awaitLine(String text) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      for (String line : output.getAll().split("\\R")) {
        if (line.contains(text)) return line;
      }
      if (System.nanoTime() > deadline) throw new AssertionError("no log line with \"" + text + "\" in:\n" + output);
      Thread.sleep(20);
    }
  }

  static Span only(List<Span> spans, java.util.function.Predicate<Span> which) {
    List<Span> found = spans.stream().filter(which).collect(Collectors.toList());
    assertThat(found).as(describe(spans)).hasSize(1);
    return found.get(0);
  }

  static String describe(List<Span> spans) {
    return spans.stream().map(s -> s.kind() + " " + s.name() + " id=" + s.id() + " parent=" + s.parentId()
        + " tags=" + s.tags()).collect(Collectors.joining("\n", "spans:\n", ""));
  }
}
