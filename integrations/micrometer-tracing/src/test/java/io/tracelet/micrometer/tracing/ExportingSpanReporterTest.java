package io.tracelet.micrometer.tracing;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.exporter.FinishedSpan;
import io.micrometer.tracing.exporter.SpanExportingPredicate;
import io.micrometer.tracing.exporter.SpanFilter;
import io.micrometer.tracing.exporter.SpanReporter;
import io.tracelet.Tracing;
import io.tracelet.testing.InMemoryReporter;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Micrometer's exporting pipeline (predicates, filters, reporters) in front of a Tracelet reporter. */
class ExportingSpanReporterTest {
  final InMemoryReporter zipkin = new InMemoryReporter();
  final List<FinishedSpan> micrometerReported = new CopyOnWriteArrayList<>();
  final AtomicBoolean micrometerClosed = new AtomicBoolean();
  final SpanReporter micrometerReporter = new SpanReporter() {
    @Override public void report(FinishedSpan span) {
      micrometerReported.add(span);
    }

    @Override public void close() {
      micrometerClosed.set(true);
    }
  };
  final SpanExportingPredicate noHealthChecks = span -> !span.getName().equals("GET /health");
  final SpanFilter redact = span -> {
    Map<String, String> tags = new java.util.LinkedHashMap<>(span.getTags());
    tags.computeIfPresent("card", (k, v) -> "****");
    return span.setTags(tags).setName(span.getName().toUpperCase(java.util.Locale.ROOT));
  };
  Tracing tracing = Tracing.newBuilder().serviceName("shop").localIp("10.1.2.3")
      .reporter(ExportingSpanReporter.create(zipkin, List.of(noHealthChecks), List.of(redact),
          List.of(micrometerReporter)))
      .build();
  TraceletTracer tracer = TraceletTracer.create(tracing);

  @AfterEach void close() {
    tracing.close();
  }

  @Test void predicatesDrop_filtersChange_andBothReportersGetTheChangedSpan() {
    tracer.nextSpan().name("GET /health").start().end();
    Span charge = tracer.spanBuilder().name("charge").kind(Span.Kind.CLIENT).tag("card", "4111").start();
    charge.end();
    tracing.flush();

    assertThat(zipkin.spans()).hasSize(1);
    assertThat(zipkin.spans().get(0)).hasName("CHARGE").hasTag("card", "****")
        .hasLocalServiceName("shop");
    assertThat(micrometerReported).singleElement().satisfies(s -> {
      assertThat(s.getName()).isEqualTo("CHARGE");
      assertThat(s.getKind()).isEqualTo(Span.Kind.CLIENT);
      assertThat(s.getTraceId()).isEqualTo(charge.context().traceId());
      assertThat(s.getSpanId()).isEqualTo(charge.context().spanId());
      assertThat(s.getParentId()).isNull();
      assertThat(s.getLocalServiceName()).isEqualTo("shop");
      assertThat(s.getLocalIp()).isEqualTo("10.1.2.3");
    });
  }

  @Test void finishedSpan_timesEventsErrorAndRemote() {
    long startMicros = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
    IOException error = new IOException("refused");
    Span span = tracer.spanBuilder().name("call").startTimestamp(startMicros, TimeUnit.MICROSECONDS)
        .remoteServiceName("db").remoteIpAndPort("10.0.0.9", 5432).start();
    span.event("sent", startMicros + 10, TimeUnit.MICROSECONDS).error(error);
    span.end(startMicros + 2_000, TimeUnit.MICROSECONDS);
    tracing.flush();

    FinishedSpan finished = micrometerReported.get(0);
    assertThat(finished.getStartTimestamp()).isEqualTo(Instant.EPOCH.plus(Duration.ofNanos(startMicros * 1000)));
    assertThat(finished.getEndTimestamp().toEpochMilli()).isEqualTo((startMicros + 2_000) / 1000);
    assertThat(finished.getDuration()).isEqualTo(Duration.ofMillis(2));
    assertThat(finished.getEvents()).containsExactly(Map.entry(startMicros + 10, "sent"));
    assertThat(finished.getError()).isSameAs(error);
    assertThat(finished.getTags()).containsEntry("error", "refused");
    assertThat(finished.getRemoteServiceName()).isEqualTo("db");
    assertThat(finished.getRemoteIp()).isEqualTo("10.0.0.9");
    assertThat(finished.getRemotePort()).isEqualTo(5432);
    assertThat(finished.getKind()).as("internal, as Brave's bridge reports it").isNull();
  }

  @Test void aFilterThatThrows_isSkipped_andAPredicateThatThrowsDrops() {
    tracing.close();
    InMemoryReporter out = new InMemoryReporter();
    SpanFilter broken = span -> {
      throw new IllegalStateException("broken filter");
    };
    SpanExportingPredicate brokenForX = span -> {
      if (span.getName().equals("x")) throw new IllegalStateException("broken predicate");
      return true;
    };
    tracing = Tracing.newBuilder()
        .reporter(ExportingSpanReporter.create(out, List.of(brokenForX), List.of(broken, redact), List.of()))
        .build();
    tracer = TraceletTracer.create(tracing);
    tracer.nextSpan().name("x").start().end();
    tracer.nextSpan().name("y").start().end();
    tracing.flush();

    assertThat(out.spans()).singleElement().satisfies(s -> assertThat(s).hasName("Y"));
  }

  @Test void close_closesMicrometerReporters_andTheTraceletReporter() {
    tracing.close();
    assertThat(micrometerClosed).isTrue();
    assertThat(zipkin.isClosed()).isTrue();
  }

  @Test void create_refusesNulls() {
    assertThatThrownBy(() -> ExportingSpanReporter.create(null, List.of(), List.of(), List.of()))
        .isInstanceOf(NullPointerException.class).hasMessage("delegate == null");
    assertThatThrownBy(() -> ExportingSpanReporter.create(zipkin, java.util.Arrays.asList((SpanExportingPredicate) null),
        List.of(), List.of())).isInstanceOf(NullPointerException.class).hasMessage("predicates element == null");
  }
}
