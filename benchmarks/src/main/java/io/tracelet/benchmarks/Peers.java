package io.tracelet.benchmarks;

import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.TraceContext;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import zipkin2.reporter.BytesMessageSender;
import zipkin2.reporter.Encoding;

/** The sinks each library's pipeline ends in: they keep nothing, so only the pipeline is measured. */
public final class Peers {
  /** Brave: a handler that keeps nothing. */
  public static final SpanHandler BRAVE_NOOP_HANDLER = new SpanHandler() {
    @Override public boolean end(TraceContext context, MutableSpan span, Cause cause) {
      return true;
    }
  };

  /** OpenTelemetry: an exporter that drops every batch. */
  public static final SpanExporter OTEL_NOOP_EXPORTER = otelExporter(new AtomicLong());

  /** OpenTelemetry: an exporter that counts the spans it is given into {@code spans}, and drops them. */
  public static SpanExporter otelExporter(AtomicLong spans) {
    return new SpanExporter() {
      @Override public CompletableResultCode export(Collection<SpanData> batch) {
        spans.addAndGet(batch.size());
        return CompletableResultCode.ofSuccess();
      }

      @Override public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
      }
    };
  }

  /** zipkin-reporter: a JSON sender that counts the spans of each message into {@code spans}, and sends nothing. */
  public static BytesMessageSender zipkinSender(AtomicLong spans) {
    return new BytesMessageSender() {
      @Override public Encoding encoding() {
        return Encoding.JSON;
      }

      @Override public int messageMaxBytes() {
        return 500_000;
      }

      @Override public int messageSizeInBytes(List<byte[]> encodedSpans) {
        return Encoding.JSON.listSizeInBytes(encodedSpans);
      }

      @Override public int messageSizeInBytes(int encodedSizeInBytes) {
        return Encoding.JSON.listSizeInBytes(encodedSizeInBytes);
      }

      @Override public void send(List<byte[]> encodedSpans) {
        spans.addAndGet(encodedSpans.size());
      }

      @Override public void close() {
      }
    };
  }

  private Peers() {
  }
}
