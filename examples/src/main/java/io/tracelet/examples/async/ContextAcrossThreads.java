package io.tracelet.examples.async;

import io.tracelet.CurrentContext;
import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.Tracer;
import io.tracelet.Tracing;
import io.tracelet.reporter.slf4j.Slf4jReporter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The current span follows work to other threads when the work goes through
 * {@link CurrentContext#wrap}: a wrapped {@code ExecutorService} (for {@code submit} and for
 * {@code CompletableFuture} stages run on it), and a wrapped {@code Runnable} for a thread of your
 * own. Spans started there are children of the span that was current where the work was handed
 * over. Each span is tagged with the thread it ran on.
 */
public final class ContextAcrossThreads {
  private ContextAcrossThreads() {
  }

  public static void main(String[] args) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (Tracing tracing = Tracing.newBuilder().serviceName("profile-page").reporter(Slf4jReporter.create()).build()) {
      System.out.println(renderProfilePage(tracing, pool));
    } finally {
      pool.shutdown();
    }
  }

  /**
   * Renders a page in a span {@code render page}, loading its parts on {@code pool} and on a thread
   * of its own, each in a child span. Returns the parts, each with the thread that loaded it.
   */
  @SuppressWarnings("try") // the scope is held for its effect, never read
  public static List<String> renderProfilePage(Tracing tracing, ExecutorService pool)
      throws InterruptedException, ExecutionException {
    Tracer tracer = tracing.tracer();
    ExecutorService traced = tracing.currentContext().wrap(pool); // wrap once, use everywhere
    Span page = tracer.spanBuilder("render page").start();
    try (Scope ignored = page.makeCurrent()) {
      page.tag("thread", Thread.currentThread().getName());
      // submit: the task runs with "render page" current, on a pool thread.
      Future<String> profile = traced.submit(() -> tracer.inSpan("load profile", () -> load(tracer, "profile")));
      // CompletableFuture stages on the wrapped executor: each stage carries the span too.
      CompletableFuture<String> orders = CompletableFuture
          .supplyAsync(() -> tracer.inSpan("load orders", () -> load(tracer, "orders")), traced)
          .thenApplyAsync(loaded -> tracer.inSpan("rank orders", () -> load(tracer, "ranked orders")), traced);
      // A thread of your own: wrap the Runnable.
      String[] avatar = new String[1];
      Runnable loadAvatar = () -> avatar[0] = tracer.inSpan("load avatar", () -> load(tracer, "avatar"));
      Thread thread = new Thread(tracing.currentContext().wrap(loadAvatar), "avatar-loader");
      thread.start();
      thread.join(); // join: avatar[0] is visible here
      return List.of(profile.get(), orders.join(), avatar[0]);
    } finally {
      page.finish();
    }
  }

  // Stands for loading a part of the page: tags the current span with this thread's name.
  private static String load(Tracer tracer, String part) {
    String thread = Thread.currentThread().getName();
    tracer.currentSpan().tag("thread", thread);
    return part + " (on " + thread + ")";
  }
}
