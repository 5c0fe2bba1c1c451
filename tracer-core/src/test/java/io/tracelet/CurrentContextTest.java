package io.tracelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CurrentContextTest {
  final CollectingReporter reporter = new CollectingReporter();
  final List<String> decorations = new CopyOnWriteArrayList<>();
  final Tracing tracing = reporter.tracing()
      .addScopeDecorator((context, scope) -> {
        decorations.add("open " + (context == null ? "none" : context.spanIdHex()));
        return () -> {
          decorations.add("close " + (context == null ? "none" : context.spanIdHex()));
          scope.close();
        };
      })
      .build();
  final Tracer tracer = tracing.tracer();
  final CurrentContext current = tracing.currentContext();
  final Span span = tracer.spanBuilder("caller").start();
  // One thread, so that the test can check what the thread has before and after each task.
  final ExecutorService single = Executors.newSingleThreadExecutor();
  final ScheduledExecutorService scheduled = Executors.newSingleThreadScheduledExecutor();

  @AfterEach void close() {
    single.shutdownNow();
    scheduled.shutdownNow();
    tracing.close();
  }

  @Test void scopesNestAndRestoreWhatWasCurrent() {
    Span inner = tracer.spanBuilder("inner").start();
    assertThat(current.span()).isNull();
    try (Scope outer = span.makeCurrent()) {
      try (Scope nested = inner.makeCurrent()) {
        assertThat(current.span()).isSameAs(inner);
        assertThat(current.context()).isEqualTo(inner.context());
      }
      assertThat(current.span()).isSameAs(span);
      try (Scope cleared = current.clear()) {
        assertThat(current.span()).isNull();
      }
      assertThat(current.span()).isSameAs(span);
    }
    assertThat(current.span()).isNull();
  }

  @Test void decoratorsSeeEveryOpenAndClose() {
    try (Scope ignored = span.makeCurrent()) {
      try (Scope cleared = current.clear()) {
        assertThat(decorations).hasSize(2);
      }
    }
    String id = span.context().spanIdHex();
    assertThat(decorations).containsExactly("open " + id, "open none", "close none", "close " + id);
  }

  @Test void aThrowingDecoratorIsSkippedNotPropagated() {
    Tracing broken = Tracing.newBuilder().addScopeDecorator((context, scope) -> {
      throw new IllegalStateException("decorator bug");
    }).build();
    Span s = broken.tracer().spanBuilder("s").start();
    try (Scope ignored = s.makeCurrent()) {
      assertThat(broken.tracer().currentSpan()).isSameAs(s);
    }
    assertThat(broken.tracer().currentSpan()).isNull();
    broken.close();
  }

  @Test void strictModeReportsScopesClosedOutOfOrderWithWhereTheyOpened() {
    Scope outer = span.makeCurrent();
    Scope inner = tracer.spanBuilder("inner").start().makeCurrent();
    assertThatThrownBy(outer::close)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("out of order")
        .cause().hasMessageContaining("opened here")
        .satisfies(t -> assertThat(t.getStackTrace()[0].getClassName()).isNotEmpty());
    inner.close();
    outer.close();
    assertThat(current.span()).isNull();
  }

  @Test void strictModeReportsScopesClosedOnAnotherThread() throws Exception {
    Scope scope = span.makeCurrent();
    Future<?> closing = single.submit(scope::close);
    assertThatThrownBy(closing::get).hasCauseInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not the thread that opened it");
    scope.close();
  }

  @Test void lenientScopesIgnoreADoubleClose() {
    Tracing lenient = Tracing.newBuilder().build();
    Span a = lenient.tracer().spanBuilder("a").start();
    Span b = lenient.tracer().spanBuilder("b").start();
    Scope scopeA = a.makeCurrent();
    scopeA.close();
    try (Scope scopeB = b.makeCurrent()) {
      scopeA.close(); // must not restore anything now
      assertThat(lenient.tracer().currentSpan()).isSameAs(b);
    }
    lenient.close();
  }

  /** What the pool thread sees during the task, and after it. */
  private Span poolSpanAfter() throws Exception {
    return single.submit(current::span).get();
  }

  @Test void wrappedRunnableCallableAndSupplierCarryTheSpanCapturedAtWrapTime() throws Exception {
    Runnable runnable;
    Callable<Span> callable;
    Supplier<Span> supplier;
    Span[] seen = new Span[1];
    try (Scope ignored = span.makeCurrent()) {
      runnable = current.wrap((Runnable) () -> seen[0] = current.span());
      callable = current.wrap((Callable<Span>) current::span);
      supplier = current.wrapSupplier(current::span);
    }
    single.submit(runnable).get();
    assertThat(seen[0]).isSameAs(span);
    assertThat(single.submit(callable).get()).isSameAs(span);
    assertThat(CompletableFuture.supplyAsync(supplier, single).get()).isSameAs(span);
    assertThat(poolSpanAfter()).isNull();
  }

  @Test void wrappedExecutorCapturesAtSubmitTime() throws Exception {
    java.util.concurrent.Executor executor = current.wrap((java.util.concurrent.Executor) single);
    CompletableFuture<Span> seen = new CompletableFuture<>();
    try (Scope ignored = span.makeCurrent()) {
      executor.execute(() -> seen.complete(current.span()));
    }
    assertThat(seen.get(10, TimeUnit.SECONDS)).isSameAs(span);
    assertThat(poolSpanAfter()).isNull();
  }

  @Test void everyExecutorServiceMethodCarriesTheSpan() throws Exception {
    ExecutorService executor = current.wrap(single);
    List<Span> seen = new CopyOnWriteArrayList<>();
    Callable<Span> capture = () -> {
      seen.add(current.span());
      return current.span();
    };
    try (Scope ignored = span.makeCurrent()) {
      executor.execute(() -> seen.add(current.span()));
      executor.submit(() -> seen.add(current.span())).get();
      assertThat(executor.submit(() -> seen.add(current.span()), "done").get()).isEqualTo("done");
      assertThat(executor.submit(capture).get()).isSameAs(span);
      for (Future<Span> f : executor.invokeAll(List.of(capture, capture))) assertThat(f.get()).isSameAs(span);
      for (Future<Span> f : executor.invokeAll(List.of(capture), 10, TimeUnit.SECONDS)) assertThat(f.get()).isSameAs(span);
      assertThat(executor.invokeAny(List.of(capture))).isSameAs(span);
      assertThat(executor.invokeAny(List.of(capture), 10, TimeUnit.SECONDS)).isSameAs(span);
    }
    assertThat(seen).hasSize(9).allSatisfy(s -> assertThat(s).isSameAs(span));
    assertThat(poolSpanAfter()).isNull();
    executor.shutdown();
    assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(executor.isShutdown()).isTrue();
    assertThat(executor.isTerminated()).isTrue();
  }

  @Test void completableFutureStagesOnAWrappedExecutorCarryTheCallersSpan() throws Exception {
    ExecutorService executor = current.wrap(single);
    CompletableFuture<String> future;
    try (Scope ignored = span.makeCurrent()) {
      future = CompletableFuture.supplyAsync(() -> current.context().spanIdHex(), executor)
          .thenApplyAsync(id -> id + "/" + current.context().spanIdHex(), executor);
    }
    String id = span.context().spanIdHex();
    assertThat(future.get(10, TimeUnit.SECONDS)).isEqualTo(id + "/" + id);
  }

  @Test void scheduledExecutorCarriesTheSpanForOneShotFixedRateAndFixedDelay() throws Exception {
    ScheduledExecutorService executor = current.wrap(scheduled);
    List<Span> seen = new CopyOnWriteArrayList<>();
    CountDownLatch rate = new CountDownLatch(3);
    CountDownLatch delay = new CountDownLatch(3);
    ScheduledFuture<?> fixedRate;
    ScheduledFuture<?> fixedDelay;
    try (Scope ignored = span.makeCurrent()) {
      executor.schedule(() -> seen.add(current.span()), 1, TimeUnit.MILLISECONDS).get();
      assertThat(executor.schedule(current::span, 1, TimeUnit.MILLISECONDS).get()).isSameAs(span);
      fixedRate = executor.scheduleAtFixedRate(() -> {
        seen.add(current.span());
        rate.countDown();
      }, 0, 1, TimeUnit.MILLISECONDS);
      fixedDelay = executor.scheduleWithFixedDelay(() -> {
        seen.add(current.span());
        delay.countDown();
      }, 0, 1, TimeUnit.MILLISECONDS);
    }
    assertThat(rate.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(delay.await(10, TimeUnit.SECONDS)).isTrue();
    fixedRate.cancel(false);
    fixedDelay.cancel(false);
    assertThat(seen).hasSizeGreaterThanOrEqualTo(7).allSatisfy(s -> assertThat(s).isSameAs(span));
    assertThat(scheduled.submit(current::span).get()).isNull();
  }

  @Test void aTaskSubmittedWithNoSpanRunsWithNoneEvenOnAThreadThatHadOne() throws Exception {
    ExecutorService executor = current.wrap(single);
    CountDownLatch inside = new CountDownLatch(1);
    List<Span> seen = new ArrayList<>();
    // The pool thread has a span of its own, current for as long as this (unwrapped) task runs.
    Future<?> holder = single.submit(() -> {
      try (Scope ignored = span.makeCurrent()) {
        Span own = current.span();
        inside.countDown();
        seen.add(own);
      }
    });
    holder.get();
    assertThat(inside.getCount()).isZero();
    assertThat(executor.submit(current::span).get()).isNull();
    assertThat(seen).containsExactly(span);
  }
}
