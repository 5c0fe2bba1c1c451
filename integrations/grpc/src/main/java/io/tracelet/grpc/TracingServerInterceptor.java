package io.tracelet.grpc;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.Tracing;
import java.util.Objects;

/**
 * A gRPC {@link ServerInterceptor} that records one {@link SpanKind#SERVER} span per RPC,
 * continuing the trace whose context the call's {@link Metadata} carries in the format of
 * {@link Tracing#propagator()}.
 *
 * <pre>{@code
 * Server server = ServerBuilder.forPort(port)
 *     .addService(ServerInterceptors.intercept(service, TracingServerInterceptor.create(tracing)))
 *     .build();
 * }</pre>
 *
 * <p>The span is named {@code service/method}, like the client's, and is current on the handler's
 * thread in every listener callback (messages, half-close, ready, complete, cancel), so the service
 * implementation runs inside it. It is finished on every path: when the handler closes the call
 * (response or error status), when a callback throws ({@code UNKNOWN}, the exception recorded and
 * rethrown), and when the call is cancelled without a close: {@code DEADLINE_EXCEEDED} when its
 * deadline has passed, {@code CANCELLED} otherwise (the client cancelled or went away). Tags as for
 * {@link TracingClientInterceptor}: {@code grpc.status_code}, and {@code error} when not OK. The
 * remote endpoint is the client's IP and port, when the transport has them. Missing or malformed
 * trace headers start a new trace; they never fail the call.
 *
 * <p>Thread-safe and immutable: one instance serves every call. Per call it allocates the span, its
 * extracted context, two small wrappers (call and listener) and a scope per callback.
 */
public final class TracingServerInterceptor implements ServerInterceptor {
  private final GrpcSpans spans;

  private TracingServerInterceptor(Tracing tracing) {
    this.spans = new GrpcSpans(tracing);
  }

  /**
   * An interceptor recording to {@code tracing}'s tracer and extracting with its propagator.
   *
   * @throws NullPointerException when {@code tracing} is null
   */
  public static TracingServerInterceptor create(Tracing tracing) {
    return new TracingServerInterceptor(Objects.requireNonNull(tracing, "tracing == null"));
  }

  @SuppressWarnings("try") // the scope is held for its effect, never read
  @Override public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    Span span = spans.tracer.spanBuilder(call.getMethodDescriptor().getFullMethodName())
        .kind(SpanKind.SERVER)
        .parent(spans.extract(headers)) // null: a new trace
        .remoteEndpoint(GrpcSpans.endpoint(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)))
        .start();
    ServerCall.Listener<ReqT> listener;
    try (Scope ignored = span.makeCurrent()) {
      listener = next.startCall(new TracingServerCall<>(call, span), headers);
    } catch (RuntimeException | Error e) {
      GrpcSpans.finish(span, Status.fromThrowable(e));
      throw e;
    }
    return new TracingServerListener<>(listener, span);
  }

  @Override public String toString() {
    return "TracingServerInterceptor";
  }

  /** Finishes the span with the status the handler closes the call with. */
  private static final class TracingServerCall<ReqT, RespT>
      extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {
    private final Span span;

    TracingServerCall(ServerCall<ReqT, RespT> call, Span span) {
      super(call);
      this.span = span;
    }

    @Override public void close(Status status, Metadata trailers) {
      GrpcSpans.finish(span, status); // first: the status decides whether a keep policy keeps it
      GrpcSpans.answer(span, trailers);
      super.close(status, trailers);
    }
  }

  /** Runs every callback with the span current; finishes it when a callback throws or the call is cancelled. */
  private static final class TracingServerListener<ReqT>
      extends ForwardingServerCallListener.SimpleForwardingServerCallListener<ReqT> {
    private final Span span;

    TracingServerListener(ServerCall.Listener<ReqT> delegate, Span span) {
      super(delegate);
      this.span = span;
    }

    @Override public void onMessage(ReqT message) {
      inSpan(() -> super.onMessage(message));
    }

    @Override public void onHalfClose() {
      inSpan(super::onHalfClose);
    }

    @Override public void onReady() {
      inSpan(super::onReady);
    }

    @SuppressWarnings("try") // the scope is held for its effect, never read
    @Override public void onCancel() {
      try (Scope ignored = span.makeCurrent()) {
        super.onCancel();
      } finally {
        GrpcSpans.finish(span, cancelled());
      }
    }

    @SuppressWarnings("try") // the scope is held for its effect, never read
    @Override public void onComplete() {
      try (Scope ignored = span.makeCurrent()) {
        super.onComplete();
      } finally {
        span.finish(); // normally finished already, by close()
      }
    }

    @SuppressWarnings("try") // the scope is held for its effect, never read
    private void inSpan(Runnable callback) {
      try (Scope ignored = span.makeCurrent()) {
        callback.run();
      } catch (RuntimeException | Error e) {
        GrpcSpans.finish(span, Status.fromThrowable(e));
        throw e;
      }
    }

    // The call's context is current in callbacks; its deadline tells a timeout from a cancel.
    private static Status cancelled() {
      Deadline deadline = Context.current().getDeadline();
      return deadline != null && deadline.isExpired() ? Status.DEADLINE_EXCEEDED : Status.CANCELLED;
    }
  }
}
