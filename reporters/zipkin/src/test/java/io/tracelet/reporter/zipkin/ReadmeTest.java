package io.tracelet.reporter.zipkin;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.Tracing;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zipkin2.reporter.Encoding;
import zipkin2.reporter.kafka.KafkaSender;
import zipkin2.reporter.okhttp3.OkHttpSender;

/**
 * The snippets of README.md, as they are there but for addresses, run against an HTTP collector
 * in this JVM (the real Zipkin server is in the end-to-end tests).
 */
class ReadmeTest {
  @Test void http() throws Exception {
    try (HttpCollector zipkin = new HttpCollector()) {
      ZipkinReporter reporter = ZipkinReporter.http(zipkin.spansUrl());
      Tracing tracing = Tracing.newBuilder()
          .serviceName("checkout")
          .reporter(reporter)
          .build();
      tracing.tracer().spanBuilder("charge").start().finish();
      tracing.close();

      assertThat(zipkin.spans).singleElement().satisfies(s -> {
        assertThat(s.name()).isEqualTo("charge");
        assertThat(s.localServiceName()).isEqualTo("checkout");
      });
      assertThat(reporter.counters().spansSent()).isEqualTo(1);
    }
  }

  @Test void httpOptions() throws Exception {
    try (HttpCollector zipkin = new HttpCollector()) {
      JdkHttpSender sender = JdkHttpSender.newBuilder(zipkin.spansUrl())
          .encoding(Encoding.PROTO3)                 // JSON by default; proto3 is smaller
          .compression(true)                         // gzip, the default
          .connectTimeout(Duration.ofSeconds(5))
          .requestTimeout(Duration.ofSeconds(10))
          .messageMaxBytes(1_000_000)                // what your Zipkin (or proxy) accepts
          .build();
      ZipkinReporter reporter = ZipkinReporter.newBuilder(sender)
          .messageMaxBytes(256 * 1024)     // optional: a smaller limit than the sender's
          .build();
      try (Tracing tracing = Tracing.newBuilder().serviceName("checkout").reporter(reporter).build()) {
        tracing.tracer().spanBuilder("charge").start().finish();
      }

      assertThat(zipkin.messages).singleElement().satisfies(m -> {
        assertThat(m.contentType).isEqualTo("application/x-protobuf");
        assertThat(m.contentEncoding).isEqualTo("gzip");
        assertThat(m.spans).singleElement().extracting(zipkin2.Span::name).isEqualTo("charge");
      });
    }
  }

  @Test void okHttpWithATokenOverTls(@TempDir Path dir) throws Exception {
    SelfSignedTls tls = new SelfSignedTls(dir);
    SSLContext sslContext = tls.clientContext;
    X509TrustManager trustManager = tls.trustManager;
    String token = "s3cr3t";
    try (HttpCollector zipkin = new HttpCollector(tls.serverContext)) {
      assertThat(zipkin.spansUrl()).startsWith("https://");

      OkHttpSender.Builder okhttp = OkHttpSender.newBuilder()
          .endpoint(zipkin.spansUrl())
          .encoding(Encoding.PROTO3);
      okhttp.clientBuilder()
          .addInterceptor(chain -> chain.proceed(chain.request().newBuilder()
              .header("Authorization", "Bearer " + token)
              .build()))
          .sslSocketFactory(sslContext.getSocketFactory(), trustManager); // your CA / client certificate
      ZipkinReporter reporter = ZipkinReporter.newBuilder(okhttp.build()).build();
      try (Tracing tracing = Tracing.newBuilder().serviceName("checkout").reporter(reporter).build()) {
        tracing.tracer().spanBuilder("charge").start().finish();
      }

      assertThat(zipkin.messages).singleElement().satisfies(m -> {
        assertThat(m.headers.getFirst("Authorization")).isEqualTo("Bearer s3cr3t");
        assertThat(m.spans).singleElement().extracting(zipkin2.Span::name).isEqualTo("charge");
      });
      assertThat(zipkin.rejected).as("no empty message, on close or otherwise").isEmpty();
      assertThat(reporter.counters().spansSent()).isEqualTo(1);
    }
  }

  /** Builds as the README does; the end-to-end tests send through Kafka for real. */
  @Test void kafka() {
    ZipkinReporter simple = ZipkinReporter.kafka("127.0.0.1:9092"); // topic "zipkin", JSON

    ZipkinReporter traces = ZipkinReporter.kafka("kafka-1:9092,kafka-2:9092", "traces", Map.of("acks", "1"));

    KafkaSender sender = KafkaSender.newBuilder()
        .bootstrapServers("kafka-1:9092,kafka-2:9092")
        .topic("zipkin")
        .encoding(Encoding.PROTO3)
        .overrides(Map.of("acks", "1", "max.block.ms", "5000"))
        .build();
    ZipkinReporter reporter = ZipkinReporter.newBuilder(sender).build();

    assertThat(simple).hasToString("ZipkinReporter{KafkaSender{bootstrapServers=127.0.0.1:9092, topic=zipkin}}");
    assertThat(traces).hasToString("ZipkinReporter{KafkaSender{bootstrapServers=kafka-1:9092,kafka-2:9092,"
        + " topic=traces}}");
    assertThat(reporter.toString()).contains("kafka-1:9092,kafka-2:9092");
    simple.close();
    traces.close();
    reporter.close();
  }

  @Test void counters() throws Exception {
    HttpCollector down = new HttpCollector();
    String url = down.spansUrl();
    down.close(); // nothing listens there now
    try (ZipkinReporter reporter = ZipkinReporter.http(url);
         Tracing tracing = Tracing.newBuilder().reporter(reporter).build()) {
      tracing.tracer().spanBuilder("lost").start().finish();
      tracing.flush();

      ZipkinReporter.Counters counters = reporter.counters();
      long sent = counters.spansSent();
      Map<String, Long> why = counters.spansDroppedByCause(); // {ConnectException=120, SpanTooLarge=1}

      assertThat(sent).isZero();
      assertThat(why).containsExactly(Map.entry("ConnectException", 1L));
    }
  }
}
