package io.tracelet.apache.httpclient5;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracelet.FinishedSpan;
import io.tracelet.Sampler;
import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.Tracing;
import io.tracelet.propagation.Propagators;
import io.tracelet.testing.InMemoryReporter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.client5.http.async.methods.SimpleResponseConsumer;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.cache.CachingHttpAsyncClients;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the shared suite does not cover for the async client: cancellation, a response consumer that
 * throws, a client that was never started, retries, a call without a callback, and many calls at once
 * from several threads, each in its own caller's trace.
 */
class AsyncBehaviourTest {
  final InMemoryReporter reporter = new InMemoryReporter();
  final Tracing tracing = Tracing.newBuilder().serviceName("client").propagator(Propagators.w3c())
      .sampler(Sampler.always()).reporter(reporter).strictScopes(true).maxBatchDelay(Duration.ofMillis(5)).build();
  final TestServer server = ClassicBehaviourTest.server();
  final CloseableHttpAsyncClient plain = Clients.asyncBuilder().build();
  final CloseableHttpAsyncClient traced = HttpClient5Tracing.create(tracing).build(Clients.asyncBuilder());

  {
    plain.start();
    traced.start();
  }

  @AfterEach void close() {
    traced.close(CloseMode.IMMEDIATE);
    plain.close(CloseMode.IMMEDIATE);
    server.close();
    tracing.close();
  }

  FinishedSpan onlySpan() {
    return TestSpans.only(reporter, tracing);
  }

  /** What a callback saw: the outcome, and the span current while it ran. */
  record Outcome(String how, Object value, Span current) {
  }

  /** A callback that completes {@code outcome} with what it was told and the span current then. */
  <T> FutureCallback<T> recording(CompletableFuture<Outcome> outcome) {
    return new FutureCallback<>() {
      @Override public void completed(T result) {
        outcome.complete(new Outcome("completed", result, tracing.tracer().currentSpan()));
      }

      @Override public void failed(Exception failure) {
        outcome.complete(new Outcome("failed", failure, tracing.tracer().currentSpan()));
      }

      @Override public void cancelled() {
        outcome.complete(new Outcome("cancelled", null, tracing.tracer().currentSpan()));
      }
    };
  }

  @Test void aCancelledCallLooksCancelledAsWithoutTracingEndsTheSpanAndTellsTheCallbackInTheCallersTrace() throws Exception {
    CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    Span parent = tracing.tracer().spanBuilder("parent").start();
    Future<SimpleHttpResponse> call;
    try (Scope ignored = parent.makeCurrent()) {
      call = traced.execute(SimpleRequestBuilder.get(server.uri("/latched")).build(), recording(outcome));
    }
    assertThat(server.arrived.await(TestServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    assertThat(call.cancel(true)).isTrue();

    assertThat(call.isCancelled()).isTrue();
    assertThatThrownBy(call::get).isInstanceOf(CancellationException.class);
    assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo(new Outcome("cancelled", null, parent));
    parent.finish();
    FinishedSpan span = reporter.awaitSpans(2, TestServer.TIMEOUT).stream()
        .filter(s -> s.kind() == SpanKind.CLIENT).findFirst().orElseThrow();
    assertThat(span).hasParent(parent.context()).hasNoTag("http.status_code").hasError(CancellationException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"head", "body"})
  void aResponseConsumerThatThrowsFailsTheCallAsWithoutTracingAndTheSpanRecordsIt(String where) throws Exception {
    CompletableFuture<Outcome> withoutTracing = new CompletableFuture<>();
    plain.execute(SimpleRequestProducer.create(SimpleRequestBuilder.get(server.uri("/ok")).build()),
        new Throwing(where), recording(withoutTracing));
    CompletableFuture<Outcome> withTracing = new CompletableFuture<>();
    Throwing consumer = new Throwing(where);
    Future<SimpleHttpResponse> call = traced.execute(
        SimpleRequestProducer.create(SimpleRequestBuilder.get(server.uri("/ok")).build()), consumer, recording(withTracing));

    Outcome expected = withoutTracing.get(10, TimeUnit.SECONDS);
    Outcome actual = withTracing.get(10, TimeUnit.SECONDS);
    assertThat(expected.how()).isEqualTo("failed");
    assertThat(actual.how()).isEqualTo("failed");
    assertThat(actual.value()).isSameAs(consumer.thrown);
    assertThat((Throwable) expected.value()).isInstanceOf(IllegalStateException.class).hasMessage("broken in the " + where);
    assertThatThrownBy(call::get).isInstanceOf(ExecutionException.class).cause().isSameAs(consumer.thrown);
    FinishedSpan span = onlySpan();
    assertThat(span).hasTag("http.status_code", "200").hasTag("error", "broken in the " + where);
    assertThat(span.error()).isSameAs(consumer.thrown);
  }

  @Test void aClientNeverStartedFailsAsWithoutTracingAndRecordsNothing() throws Exception {
    try (CloseableHttpAsyncClient idlePlain = Clients.asyncBuilder().build();
         CloseableHttpAsyncClient idleTraced = HttpClient5Tracing.create(tracing).build(Clients.asyncBuilder())) {
      CompletableFuture<Outcome> withoutTracing = new CompletableFuture<>();
      CompletableFuture<Outcome> withTracing = new CompletableFuture<>();
      idlePlain.execute(SimpleRequestBuilder.get(server.uri("/ok")).build(), recording(withoutTracing));
      idleTraced.execute(SimpleRequestBuilder.get(server.uri("/ok")).build(), recording(withTracing));

      Outcome expected = withoutTracing.get(10, TimeUnit.SECONDS);
      Outcome actual = withTracing.get(10, TimeUnit.SECONDS);
      assertThat(actual.how()).isEqualTo(expected.how());
      assertThat((Throwable) actual.value()).hasSameClassAs(expected.value())
          .hasMessage(((Throwable) expected.value()).getMessage());
      tracing.flush();
      assertThat(reporter.spans()).isEmpty();
    }
  }

  @Test void aRetryStaysInTheSpanAsAnEventAndACallWithoutCallbackEndsItToo() throws Exception {
    SimpleHttpResponse response = traced.execute(SimpleRequestBuilder.get(server.uri("/flaky?id=async")).build(), null)
        .get(10, TimeUnit.SECONDS);

    assertThat(response.getCode()).isEqualTo(200);
    FinishedSpan span = onlySpan();
    assertThat(span).hasTag("http.status_code", "200").hasEvent("retry").hasNoError();
    for (TestServer.Seen attempt : List.of(server.seen(), server.seen())) {
      assertThat(attempt.traceparent()).singleElement()
          .satisfies(t -> assertThat(TestSpans.ids(t)).isEqualTo(TestSpans.ids(span)));
    }
  }

  @Test void aCachingClientRecordsACacheHitAsASpanThatSentNothing() throws Exception {
    try (CloseableHttpAsyncClient caching = HttpClient5Tracing.create(tracing)
        .build(CachingHttpAsyncClients.custom().setRetryStrategy(Clients.retries()))) {
      caching.start();
      for (int i = 0; i < 2; i++) {
        assertThat(caching.execute(SimpleRequestBuilder.get(server.uri("/cached")).build(), null)
            .get(10, TimeUnit.SECONDS).getCode()).isEqualTo(200);
      }
      List<FinishedSpan> spans = reporter.awaitSpans(2, TestServer.TIMEOUT);
      assertThat(spans).hasSize(2).allSatisfy(s -> assertThat(s).hasTag("http.status_code", "200").hasNoError());
      server.seen();
      assertThat(server.seenSoFar()).as("the second answer came from the cache").isEmpty();
    }
  }

  @Test void manyCallsFromManyThreadsEachStayInTheirCallersTrace() throws Exception {
    int threads = 4;
    int rounds = 50;
    Map<Span, CompletableFuture<Outcome>> outcomes = new ConcurrentHashMap<>();
    fromManyThreads(threads, rounds, (parent, round) -> {
      CompletableFuture<Outcome> outcome = new CompletableFuture<>();
      outcomes.put(parent, outcome);
      try (Scope ignored = parent.makeCurrent()) {
        traced.execute(SimpleRequestBuilder.get(server.uri("/echo")).build(), recording(outcome));
      }
    });
    CompletableFuture.allOf(outcomes.values().toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

    List<FinishedSpan> spans = reporter.awaitSpans(2 * threads * rounds, Duration.ofSeconds(30));
    Map<Long, FinishedSpan> clientSpans = spans.stream().filter(s -> s.kind() == SpanKind.CLIENT)
        .collect(Collectors.toMap(FinishedSpan::spanId, Function.identity()));
    assertThat(clientSpans).hasSize(threads * rounds);
    outcomes.forEach((parent, outcome) -> {
      Outcome seen = outcome.join();
      assertThat(seen.how()).isEqualTo("completed");
      assertThat(seen.current()).as("the callback's current span").isEqualTo(parent);
      String echoed = ((SimpleHttpResponse) seen.value()).getBodyText(); // the traceparent the server got
      FinishedSpan call = clientSpans.get(Long.parseUnsignedLong(echoed.substring(36, 52), 16));
      assertThat(call).as("the span whose context reached the server").isNotNull();
      assertThat(call).hasParent(parent.context()).hasTag("http.status_code", "200");
    });
  }

  @Test void cancellationsRacingCompletionsEndEverySpanOnceAndTellEveryCallbackOnce() throws Exception {
    int threads = 4;
    int rounds = 50;
    Map<Span, Future<SimpleHttpResponse>> calls = new ConcurrentHashMap<>();
    Map<Span, CompletableFuture<Outcome>> outcomes = new ConcurrentHashMap<>();
    AtomicInteger callbacks = new AtomicInteger();
    fromManyThreads(threads, rounds, (parent, round) -> {
      CompletableFuture<Outcome> outcome = new CompletableFuture<>();
      outcomes.put(parent, outcome);
      FutureCallback<SimpleHttpResponse> recording = recording(outcome);
      Future<SimpleHttpResponse> call;
      try (Scope ignored = parent.makeCurrent()) {
        call = traced.execute(SimpleRequestBuilder.get(server.uri("/ok")).build(), new FutureCallback<>() {
          @Override public void completed(SimpleHttpResponse result) {
            callbacks.incrementAndGet();
            recording.completed(result);
          }

          @Override public void failed(Exception failure) {
            callbacks.incrementAndGet();
            recording.failed(failure);
          }

          @Override public void cancelled() {
            callbacks.incrementAndGet();
            recording.cancelled();
          }
        });
      }
      // Cancelled at once, after up to 5 ms (around when the answer arrives), or once it completed.
      if (round % 4 == 3) {
        outcome.join();
      } else if (round % 4 != 0) {
        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(5_000_000));
      }
      call.cancel(true);
      calls.put(parent, call);
    });
    CompletableFuture.allOf(outcomes.values().toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

    List<FinishedSpan> spans = reporter.awaitSpans(2 * threads * rounds, Duration.ofSeconds(30));
    tracing.flush();
    assertThat(reporter.spans()).hasSize(2 * threads * rounds); // one CLIENT span per call, and no more
    assertThat(callbacks.get()).isEqualTo(threads * rounds);
    Map<Long, FinishedSpan> byParent = spans.stream().filter(s -> s.kind() == SpanKind.CLIENT)
        .collect(Collectors.toMap(FinishedSpan::parentId, Function.identity()));
    long cancelled = calls.values().stream().filter(Future::isCancelled).count();
    assertThat(cancelled).as("calls cancelled in time").isPositive().isLessThan(calls.size());
    calls.forEach((parent, call) -> {
      FinishedSpan span = byParent.get(parent.context().spanId());
      Outcome outcome = outcomes.get(parent).join();
      assertThat(outcome.current()).isEqualTo(parent);
      if (call.isCancelled()) {
        assertThat(outcome.how()).isEqualTo("cancelled");
        assertThat(span).hasError(CancellationException.class);
      } else {
        assertThat(outcome.how()).isEqualTo("completed");
        assertThat(span).hasTag("http.status_code", "200").hasNoError();
      }
    });
  }

  /** What one round does, with its own parent span (started, and finished after the round). */
  @FunctionalInterface
  interface Round {
    void run(Span parent, int round) throws Exception;
  }

  /** Runs {@code rounds} rounds on each of {@code threads} threads at once, and waits for them. */
  void fromManyThreads(int threads, int rounds, Round round) throws Exception {
    ExecutorService callers = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> submitted = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        submitted.add(callers.submit(() -> {
          for (int i = 0; i < rounds; i++) {
            Span parent = tracing.tracer().spanBuilder("parent").start();
            round.run(parent, i);
            parent.finish();
          }
          return null;
        }));
      }
      for (Future<?> f : submitted) f.get(30, TimeUnit.SECONDS);
    } finally {
      callers.shutdownNow();
    }
  }

  /** The library's own consumer, made to throw {@link #thrown} when the head, or the body, arrives. */
  static final class Throwing implements AsyncResponseConsumer<SimpleHttpResponse> {
    final AsyncResponseConsumer<SimpleHttpResponse> delegate = SimpleResponseConsumer.create();
    final String where;
    final IllegalStateException thrown;

    Throwing(String where) {
      this.where = where;
      this.thrown = new IllegalStateException("broken in the " + where);
    }

    @Override public void consumeResponse(HttpResponse response, EntityDetails entityDetails, HttpContext context,
        FutureCallback<SimpleHttpResponse> resultCallback) throws HttpException, IOException {
      if (where.equals("head")) throw thrown;
      delegate.consumeResponse(response, entityDetails, context, resultCallback);
    }

    @Override public void consume(ByteBuffer src) throws IOException {
      if (where.equals("body")) throw thrown;
      delegate.consume(src);
    }

    @Override public void informationResponse(HttpResponse response, HttpContext context) throws HttpException, IOException {
      delegate.informationResponse(response, context);
    }

    @Override public void failed(Exception cause) {
      delegate.failed(cause);
    }

    @Override public void updateCapacity(CapacityChannel capacityChannel) throws IOException {
      delegate.updateCapacity(capacityChannel);
    }

    @Override public void streamEnd(List<? extends Header> trailers) throws HttpException, IOException {
      delegate.streamEnd(trailers);
    }

    @Override public void releaseResources() {
      delegate.releaseResources();
    }
  }
}
