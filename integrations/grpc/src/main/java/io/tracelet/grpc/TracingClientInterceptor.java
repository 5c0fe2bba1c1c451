package io.tracelet.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.Tracing;
import java.util.Objects;

/**
 * A gRPC {@link ClientInterceptor} that records one {@link SpanKind#CLIENT} span per RPC and sends
 * its context in the call's {@link Metadata}, in the format of {@link Tracing#propagator()}.
 *
 * <pre>{@code
 * ManagedChannel channel = ManagedChannelBuilder.forTarget(target)
 *     .intercept(TracingClientInterceptor.create(tracing))
 *     .build();
 * }</pre>
 *
 * <p>The span is named {@code service/method} (the full method name, such as
 * {@code shop.Cart/AddItem}), is a child of the span current when the call was created, starts
 * when the call starts and finishes when it closes, whatever the outcome: response, error status,
 * cancel or deadline. Tags: {@code grpc.status_code} (the status code's name, {@code OK} included);
 * when the status is not OK, {@code error} with the code's name, or the status's cause recorded as
 * the span's error. The remote endpoint is the server's IP and port, when the transport has them.
 * Trace headers already in the Metadata are replaced. The response listener's callbacks run with
 * the caller's span current, so asynchronous stubs' observers continue the caller's trace.
 *
 * <p>Thread-safe and immutable: one instance serves every call. Per call it allocates the span, two
 * small wrappers (call and listener) and a scope per callback.
 */
public final class TracingClientInterceptor implements ClientInterceptor {
  private final GrpcSpans spans;

  private TracingClientInterceptor(Tracing tracing) {
    this.spans = new GrpcSpans(tracing);
  }

  /**
   * An interceptor recording to {@code tracing}'s tracer and propagating with its propagator.
   *
   * @throws NullPointerException when {@code tracing} is null
   */
  public static TracingClientInterceptor create(Tracing tracing) {
    return new TracingClientInterceptor(Objects.requireNonNull(tracing, "tracing == null"));
  }

  @Override public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next) {
    return new TracingClientCall<>(spans, next.newCall(method, callOptions), method.getFullMethodName(),
        spans.tracer.currentSpan());
  }

  @Override public String toString() {
    return "TracingClientInterceptor";
  }

  private static final class TracingClientCall<ReqT, RespT>
      extends ForwardingClientCall.SimpleForwardingClientCall<ReqT, RespT> {
    private final GrpcSpans spans;
    private final String name;
    private final Span parent; // the caller's span when the call was created; null for none

    TracingClientCall(GrpcSpans spans, ClientCall<ReqT, RespT> call, String name, Span parent) {
      super(call);
      this.spans = spans;
      this.name = name;
      this.parent = parent;
    }

    @SuppressWarnings("try") // the scope is held for its effect, never read
    @Override public void start(Listener<RespT> listener, Metadata headers) {
      Span span = spans.tracer.spanBuilder(name).kind(SpanKind.CLIENT).parent(parent).start();
      spans.inject(span.context(), headers);
      try (Scope ignored = span.makeCurrent()) {
        super.start(new TracingClientListener(listener, span), headers);
      } catch (RuntimeException | Error e) {
        GrpcSpans.finish(span, Status.fromThrowable(e));
        throw e;
      }
    }

    /** Runs the caller's listener with the caller's span current; finishes the span on close. */
    private final class TracingClientListener extends ForwardingClientCallListener.SimpleForwardingClientCallListener<RespT> {
      private final Span span;

      TracingClientListener(Listener<RespT> delegate, Span span) {
        super(delegate);
        this.span = span;
      }

      @Override public void onHeaders(Metadata headers) {
        inCallersSpan(() -> super.onHeaders(headers));
      }

      @Override public void onMessage(RespT message) {
        inCallersSpan(() -> super.onMessage(message));
      }

      @Override public void onReady() {
        inCallersSpan(super::onReady);
      }

      @Override public void onClose(Status status, Metadata trailers) {
        if (span.isRecording()) {
          span.remoteEndpoint(GrpcSpans.endpoint(getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)));
        }
        GrpcSpans.readAnswer(span, trailers);
        GrpcSpans.finish(span, status);
        inCallersSpan(() -> super.onClose(status, trailers));
      }

      @SuppressWarnings("try") // the scope is held for its effect, never read
      private void inCallersSpan(Runnable callback) {
        try (Scope ignored = spans.makeCurrent(parent)) {
          callback.run();
        }
      }
    }
  }
}
