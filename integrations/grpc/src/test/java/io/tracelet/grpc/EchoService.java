package io.tracelet.grpc;

import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.tracelet.Span;
import io.tracelet.Tracer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

/**
 * A test service without protoc: hand-built method descriptors with a UTF-8 string marshaller. It
 * notes which span was current in each of its callbacks.
 */
final class EchoService {
  static final MethodDescriptor.Marshaller<String> UTF8 = new MethodDescriptor.Marshaller<>() {
    @Override public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  /** "hello NAME"; "fail" answers INVALID_ARGUMENT, "throw" throws, "wait" never answers. */
  static final MethodDescriptor<String, String> SAY = method("Say", MethodDescriptor.MethodType.UNARY);
  /** Answers "1".."N" for the request "N". */
  static final MethodDescriptor<String, String> COUNT = method("Count", MethodDescriptor.MethodType.SERVER_STREAMING);
  /** Echoes each message; completes when the client does. */
  static final MethodDescriptor<String, String> CHAT = method("Chat", MethodDescriptor.MethodType.BIDI_STREAMING);

  /** A callback of the service and the span current while it ran. */
  record Seen(String callback, Span current) {
  }

  final Queue<Seen> seen = new ConcurrentLinkedQueue<>();
  /** Counted down when a "wait" call has started, and when it was cancelled. */
  final CountDownLatch waiting = new CountDownLatch(1);
  final CountDownLatch cancelled = new CountDownLatch(1);
  private final Tracer tracer;

  EchoService(Tracer tracer) {
    this.tracer = tracer;
  }

  private static MethodDescriptor<String, String> method(String name, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<String, String>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName("test.Echo", name))
        .setRequestMarshaller(UTF8)
        .setResponseMarshaller(UTF8)
        .build();
  }

  ServerServiceDefinition definition() {
    return ServerServiceDefinition.builder("test.Echo")
        .addMethod(SAY, ServerCalls.asyncUnaryCall(this::say))
        .addMethod(COUNT, ServerCalls.asyncServerStreamingCall(this::count))
        .addMethod(CHAT, ServerCalls.asyncBidiStreamingCall(this::chat))
        .build();
  }

  private void see(String callback) {
    seen.add(new Seen(callback, tracer.currentSpan()));
  }

  private void say(String name, StreamObserver<String> responses) {
    see("say");
    switch (name) {
      case "fail" -> responses.onError(Status.INVALID_ARGUMENT.withDescription("no name").asRuntimeException());
      case "throw" -> throw new IllegalStateException("boom");
      case "wait" -> {
        ((ServerCallStreamObserver<String>) responses).setOnCancelHandler(() -> {
          see("onCancel");
          cancelled.countDown();
        });
        waiting.countDown();
      }
      default -> {
        responses.onNext("hello " + name);
        responses.onCompleted();
      }
    }
  }

  private void count(String n, StreamObserver<String> responses) {
    see("count");
    for (int i = 1; i <= Integer.parseInt(n); i++) responses.onNext(Integer.toString(i));
    responses.onCompleted();
  }

  private StreamObserver<String> chat(StreamObserver<String> responses) {
    see("chat");
    ((ServerCallStreamObserver<String>) responses).setOnReadyHandler(() -> see("onReady"));
    return new StreamObserver<>() {
      @Override public void onNext(String message) {
        see("onNext");
        responses.onNext(message);
      }

      @Override public void onError(Throwable t) {
        see("onError");
      }

      @Override public void onCompleted() {
        see("onCompleted");
        responses.onCompleted();
      }
    };
  }
}
