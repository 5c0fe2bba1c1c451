package io.tracelet.micrometer.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.tracing.CurrentTraceContext;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.tracelet.Scope;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** CurrentTraceContext: scopes, maybeScope, wrappers, and one current span shared with Tracelet. */
class CurrentTraceContextTest {
  final Fixture fixture = new Fixture();
  final Tracer tracer = fixture.tracer;
  final CurrentTraceContext current = tracer.currentTraceContext();

  @AfterEach void close() {
    fixture.close();
  }

  @Test void context_isNullWithNothingCurrent() {
    assertThat(current.context()).isNull();
  }

  @Test void newScope_makesTheContextCurrent_andItsSpanTheCurrentSpan() {
    Span span = tracer.nextSpan().name("op").start();
    try (CurrentTraceContext.Scope scope = current.newScope(span.context())) {
      assertThat(current.context()).isEqualTo(span.context());
      tracer.currentSpan().tag("recorded", "yes"); // the recording span, not a copy of its IDs
      try (CurrentTraceContext.Scope cleared = current.newScope(null)) {
        assertThat(current.context()).isNull();
      }
      assertThat(current.context()).isEqualTo(span.context());
    }
    assertThat(current.context()).isNull();
    span.end();
    assertThat(fixture.onlySpan().tagValue(0)).isEqualTo("yes");
  }

  @Test void newScope_withABuiltContext_makesItCurrentForChildren() {
    TraceContext remote = tracer.traceContextBuilder().traceId("596e1787feb11040").spanId("caff89f7f0f229dd")
        .sampled(true).build();
    Span child;
    try (CurrentTraceContext.Scope scope = current.newScope(remote)) {
      assertThat(tracer.currentSpan().isNoop()).isTrue();
      child = tracer.nextSpan().start();
    }
    assertThat(child.context().traceId()).isEqualTo("596e1787feb11040");
    assertThat(child.context().parentId()).isEqualTo("caff89f7f0f229dd");
  }

  @Test void maybeScope_ofTheCurrentContext_isANoop() {
    Span span = tracer.nextSpan().start();
    try (CurrentTraceContext.Scope scope = current.newScope(span.context())) {
      assertThat(current.maybeScope(span.context())).isSameAs(CurrentTraceContext.Scope.NOOP);
      Span other = tracer.nextSpan().start();
      try (CurrentTraceContext.Scope otherScope = current.maybeScope(other.context())) {
        assertThat(otherScope).isNotSameAs(CurrentTraceContext.Scope.NOOP);
        assertThat(current.context()).isEqualTo(other.context());
      }
      assertThat(current.context()).isEqualTo(span.context());
    }
    assertThat(current.maybeScope(null)).isSameAs(CurrentTraceContext.Scope.NOOP);
  }

  @Test void scopesAreTracelets_closingOutOfOrderIsCaughtInStrictMode() {
    Span a = tracer.nextSpan().start();
    Span b = tracer.nextSpan().start();
    Tracer.SpanInScope first = tracer.withSpan(a);
    Tracer.SpanInScope second = tracer.withSpan(b);
    assertThatThrownBy(first::close).isInstanceOf(IllegalStateException.class).hasMessageContaining("out of order");
    second.close();
    first.close();
    assertThat(tracer.currentSpan()).isNull();
  }

  @Test void tracelet_andMicrometer_shareTheCurrentSpan() {
    io.tracelet.Span traceletSpan = fixture.tracing.tracer().spanBuilder("tracelet").start();
    try (Scope scope = traceletSpan.makeCurrent()) {
      assertThat(tracer.currentSpan().context().spanId()).isEqualTo(traceletSpan.context().spanIdHex());
      Span child = tracer.nextSpan().start();
      assertThat(child.context().parentId()).isEqualTo(traceletSpan.context().spanIdHex());
    }
  }

  @Test void wrap_carriesTheCurrentContextToAnotherThread() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Span span = tracer.nextSpan().start();
      ExecutorService wrapped = current.wrap(pool);
      AtomicReference<Span> seen = new AtomicReference<>();
      Runnable task;
      try (Tracer.SpanInScope ws = tracer.withSpan(span)) {
        assertThat(wrapped.submit(tracer::currentSpan).get(10, TimeUnit.SECONDS)).isEqualTo(span);
        CountDownLatch ran = new CountDownLatch(1);
        AtomicReference<Span> viaExecutor = new AtomicReference<>();
        current.wrap((Executor) pool).execute(() -> {
          viaExecutor.set(tracer.currentSpan());
          ran.countDown();
        });
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(viaExecutor).hasValue(span);
        assertThat(pool.submit(current.wrap(tracer::currentSpan)).get(10, TimeUnit.SECONDS)).isEqualTo(span);
        task = current.wrap(() -> seen.set(tracer.currentSpan()));
      }
      pool.submit(task).get(10, TimeUnit.SECONDS);
      assertThat(seen).hasValue(span);
      assertThat(pool.submit(tracer::currentSpan).get(10, TimeUnit.SECONDS)).as("nothing leaks into the pool").isNull();
    } finally {
      pool.shutdown();
    }
  }
}
