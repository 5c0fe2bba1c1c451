package io.tracelet.reporter.zipkin;

import io.tracelet.FinishedSpan;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes finished spans in Zipkin's v2 formats: {@link #json() JSON} (the body of
 * {@code POST /api/v2/spans} with {@code application/json}) or {@link #proto3() proto3}
 * ({@code zipkin.proto}, {@code application/x-protobuf}). The bytes decode with Zipkin's own
 * {@code SpanBytesDecoder.JSON_V2} and {@code PROTO3}.
 *
 * <p>An encoder keeps one growable buffer and reuses it, so once it has grown to the largest span
 * it encodes, {@link #encode(FinishedSpan, OutputStream)} allocates nothing and the other methods
 * allocate only the array they return. That buffer makes an encoder <em>not thread-safe</em>: use
 * one per thread (a reporter's thread is one thread). Arguments must not be null.
 */
public final class SpanEncoder {
  private final SpanWriter writer;
  private final Buffer buffer = new Buffer(1024);

  SpanEncoder(SpanWriter writer) {
    this.writer = writer;
  }

  /** A new encoder of Zipkin v2 JSON: one span is a JSON object, a list a JSON array. */
  public static SpanEncoder json() {
    return new SpanEncoder(new JsonSpanWriter(false));
  }

  /**
   * A new encoder of Zipkin proto3: one span is one element of a {@code ListOfSpans} (field 1,
   * length-prefixed), as Zipkin's own encoder writes it; a list is those elements one after
   * another.
   */
  public static SpanEncoder proto3() {
    return new SpanEncoder(new Proto3SpanWriter());
  }

  /** Returns the encoding of one span, in a new array of exactly its size. */
  public byte[] encode(FinishedSpan span) {
    buffer.size = 0;
    writer.write(span, buffer);
    return Arrays.copyOf(buffer.array, buffer.size);
  }

  /** Returns the encoding of a list of spans (possibly empty), in a new array of exactly its size. */
  public byte[] encodeList(List<? extends FinishedSpan> spans) {
    buffer.size = 0;
    writer.writeListStart(buffer);
    for (int i = 0, size = spans.size(); i < size; i++) {
      if (i > 0) writer.writeListSeparator(buffer);
      writer.write(spans.get(i), buffer);
    }
    writer.writeListEnd(buffer);
    return Arrays.copyOf(buffer.array, buffer.size);
  }

  /**
   * Writes the encoding of one span to {@code out} and returns how many bytes that was; allocates
   * nothing once the buffer is large enough.
   *
   * @throws IOException when {@code out} throws it
   */
  public int encode(FinishedSpan span, OutputStream out) throws IOException {
    buffer.size = 0;
    writer.write(span, buffer);
    out.write(buffer.array, 0, buffer.size);
    return buffer.size;
  }

  @Override public String toString() {
    return writer instanceof JsonSpanWriter ? "SpanEncoder{JSON}" : "SpanEncoder{PROTO3}";
  }
}
