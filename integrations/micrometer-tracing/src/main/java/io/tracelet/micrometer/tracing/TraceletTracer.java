package io.tracelet.micrometer.tracing;

import io.micrometer.tracing.Baggage;
import io.micrometer.tracing.CurrentTraceContext;
import io.micrometer.tracing.ScopedSpan;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.SpanCustomizer;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.tracelet.Scope;
import io.tracelet.SpanBuilder;
import io.tracelet.Tracing;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Micrometer Tracing's {@link Tracer} over a Tracelet {@link Tracing}: what Micrometer Observation's
 * tracing handlers and Spring's instrumentation call record Tracelet spans, reported by the
 * {@code Tracing}'s reporter, sampled by its sampler, and current in Tracelet's
 * {@link io.tracelet.CurrentContext} (so Tracelet's own integrations and Micrometer-instrumented
 * code share one current span).
 *
 * <pre>{@code
 * Tracing tracing = Tracing.newBuilder().serviceName("checkout").reporter(reporter).build();
 * TraceletTracer tracer = TraceletTracer.create(tracing);
 * observationRegistry.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
 * }</pre>
 *
 * <p>Spans: {@link #nextSpan()} starts a Tracelet span at once (Tracelet has no unstarted span), so
 * the sampler decides and the clock starts there, and {@code Span.start()} does nothing. Scopes are
 * Tracelet scopes. Baggage lives in Tracelet's immutable contexts: an entry takes effect when made
 * current ({@code createBaggageInScope}, {@code makeCurrent}), and {@code Baggage.set} alone changes
 * no context. The module README lists every difference from Micrometer's Brave bridge.
 *
 * <p>Thread-safe. Wrappers are allocated per call (a span or context wrapper is one small object);
 * a baggage scope costs a context copy and a small record on the thread. Null arguments are ignored
 * as Tracelet's spans ignore them; {@link #create} refuses a null {@code Tracing}.
 */
public final class TraceletTracer implements Tracer {
  private final Tracing tracing;
  private final io.tracelet.Tracer tracer;
  private final BridgeCurrentTraceContext currentTraceContext;
  private final SpanCustomizer currentSpanCustomizer = new CurrentSpanCustomizer();
  // The baggage scopes open on each thread: the view span each made current, and the span it is a
  // view of, so that tracer.currentSpan() inside one still returns the recording span.
  private final ThreadLocal<BaggageView> views = new ThreadLocal<>();
  private final Set<String> baggageTagFields; // lowercase

  private TraceletTracer(Tracing tracing, Set<String> baggageTagFields) {
    this.tracing = tracing;
    this.baggageTagFields = baggageTagFields;
    this.tracer = tracing.tracer();
    this.currentTraceContext = new BridgeCurrentTraceContext(this, tracing.currentContext());
  }

  /**
   * A Micrometer tracer over {@code tracing}'s tracer, current context and propagator.
   *
   * @throws NullPointerException when {@code tracing} is null
   */
  public static TraceletTracer create(Tracing tracing) {
    return new TraceletTracer(Objects.requireNonNull(tracing, "tracing == null"), Set.of());
  }

  /**
   * As {@link #create(Tracing)}, and a baggage entry whose name is one of {@code baggageTagFields}
   * (ignoring case) also tags the span it is added to with its name and value when it is made
   * current, as the Brave bridge's tag fields do ({@code management.tracing.baggage.tag-fields}).
   *
   * @throws NullPointerException when an argument or an element is null
   */
  public static TraceletTracer create(Tracing tracing, Collection<String> baggageTagFields) {
    Objects.requireNonNull(tracing, "tracing == null");
    Objects.requireNonNull(baggageTagFields, "baggageTagFields == null");
    Set<String> fields = new HashSet<>();
    for (String field : baggageTagFields) {
      fields.add(Objects.requireNonNull(field, "baggageTagFields element == null").toLowerCase(Locale.ROOT));
    }
    return new TraceletTracer(tracing, Set.copyOf(fields));
  }

  /** True when a baggage entry named {@code name} tags the span it is added to. */
  boolean tagsBaggage(String name) {
    return !baggageTagFields.isEmpty() && name != null && baggageTagFields.contains(name.toLowerCase(Locale.ROOT));
  }

  Tracing tracing() {
    return tracing;
  }

  /** A new span, child of the current span or a new trace's root; already started. */
  @Override public Span nextSpan() {
    return new BridgeSpan(tracer.spanBuilder(null).start(), null);
  }

  /** A new span, child of {@code parent} (null: as {@link #nextSpan()}); already started. */
  @Override public Span nextSpan(Span parent) {
    if (parent == null) return nextSpan();
    SpanBuilder builder = tracer.spanBuilder(null);
    BridgeSpanBuilder.parent(builder, parent.context());
    return new BridgeSpan(builder.start(), null);
  }

  /** Makes {@code span} current until the scope closes; null makes no span current. */
  @Override public SpanInScope withSpan(Span span) {
    return open(span == null ? null : span.context())::close;
  }

  @Override public ScopedSpan startScopedSpan(String name) {
    return new BridgeScopedSpan(tracer.spanBuilder(name).start());
  }

  @Override public Span.Builder spanBuilder() {
    return new BridgeSpanBuilder(tracer);
  }

  @Override public TraceContext.Builder traceContextBuilder() {
    return new BridgeContextBuilder();
  }

  @Override public CurrentTraceContext currentTraceContext() {
    return currentTraceContext;
  }

  /** Customizes whichever span is current at each call; does nothing when none is. */
  @Override public SpanCustomizer currentSpanCustomizer() {
    return currentSpanCustomizer;
  }

  /** The current span, or null; inside a baggage scope, the span the baggage was added to. */
  @Override public Span currentSpan() {
    io.tracelet.Span current = tracer.currentSpan();
    if (current == null) return null;
    io.tracelet.Span span = spanOf(current);
    return new BridgeSpan(span, span == current ? null : current.context());
  }

  BridgeContext currentBridgeContext() {
    io.tracelet.Span current = tracer.currentSpan();
    return current == null ? null : new BridgeContext(current.context(), spanOf(current));
  }

  private io.tracelet.Span spanOf(io.tracelet.Span current) {
    for (BaggageView v = views.get(); v != null; v = v.next) {
      if (v.view == current) return v.span;
    }
    return current;
  }

  /** Makes {@code context} current: its own span when it has one, else a non-recording span. */
  Scope open(TraceContext context) {
    if (context == null) return tracing.currentContext().clear();
    if (context instanceof BridgeContext) {
      BridgeContext c = (BridgeContext) context;
      return open(c.span, c.delegate);
    }
    return tracer.nonRecordingSpan(BridgeContext.unwrap(context)).makeCurrent();
  }

  /**
   * Makes {@code context} current as a view of {@code span} (null: of no local span). When the
   * context is the span's own, the span itself becomes current. Otherwise (baggage added) a
   * non-recording span with the context becomes current, remembered as a view of {@code span}.
   */
  Scope open(io.tracelet.Span span, io.tracelet.TraceContext context) {
    if (span != null && context.equals(span.context())) return span.makeCurrent();
    io.tracelet.Span view = tracer.nonRecordingSpan(context);
    if (span == null) return view.makeCurrent();
    BaggageView record = new BaggageView(view, span, views.get());
    views.set(record);
    Scope scope = view.makeCurrent();
    return () -> {
      scope.close();
      forget(record);
    };
  }

  private void forget(BaggageView record) {
    BaggageView head = views.get();
    if (head == record) {
      if (record.next == null) {
        views.remove();
      } else {
        views.set(record.next);
      }
      return;
    }
    for (BaggageView v = head; v != null; v = v.next) {
      if (v.next == record) {
        v.next = record.next;
        return;
      }
    }
  }

  /** The current context's baggage as a new map; empty when no span is current. */
  @Override public Map<String, String> getAllBaggage() {
    return getAllBaggage(currentBridgeContext());
  }

  @Override public Map<String, String> getAllBaggage(TraceContext context) {
    io.tracelet.TraceContext c = BridgeContext.unwrap(context);
    return c == null ? new java.util.LinkedHashMap<>() : c.baggage().asMap();
  }

  /** The entry {@code name} of the current context; never null ({@code get()} is null when absent). */
  @Override public Baggage getBaggage(String name) {
    return new BridgeBaggage(this, name, null, null);
  }

  @Override public Baggage getBaggage(TraceContext context, String name) {
    return new BridgeBaggage(this, name, null, context);
  }

  @Deprecated // as in Micrometer
  @Override public Baggage createBaggage(String name) {
    return new BridgeBaggage(this, name, null, null);
  }

  /** An entry to make current; it changes no context until {@code makeCurrent()}. */
  @Deprecated // as in Micrometer
  @Override public Baggage createBaggage(String name, String value) {
    return new BridgeBaggage(this, name, value, null);
  }

  @Override public String toString() {
    return "TraceletTracer{" + tracing.serviceName() + "}";
  }

  private static final class BaggageView {
    final io.tracelet.Span view;
    final io.tracelet.Span span;
    BaggageView next;

    BaggageView(io.tracelet.Span view, io.tracelet.Span span, BaggageView next) {
      this.view = view;
      this.span = span;
      this.next = next;
    }
  }

  /** Acts on the span current at each call. */
  private final class CurrentSpanCustomizer implements SpanCustomizer {
    @Override public SpanCustomizer name(String name) {
      Span span = currentSpan();
      if (span != null) span.name(name);
      return this;
    }

    @Override public SpanCustomizer tag(String key, String value) {
      Span span = currentSpan();
      if (span != null) span.tag(key, value);
      return this;
    }

    @Override public SpanCustomizer event(String value) {
      Span span = currentSpan();
      if (span != null) span.event(value);
      return this;
    }
  }
}
