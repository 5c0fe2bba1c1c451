package io.tracelet.reporter.zipkin;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLContext;
import zipkin2.Span;
import zipkin2.codec.SpanBytesDecoder;

/**
 * A small Zipkin-like HTTP collector in this JVM, on a free loopback port the OS picks: it takes
 * {@code POST /api/v2/spans} as Zipkin does (JSON or proto3 by content type, gzip or not), decodes
 * each message with Zipkin's own decoder, and keeps what it received. It can be told to answer with
 * an error status, and stopped. For fast, exact checks of the reporter; the real Zipkin server is
 * in the end-to-end tests.
 */
final class HttpCollector implements AutoCloseable {
  /** One message as received. */
  static final class Message {
    final Headers headers;
    final String contentType;
    final String contentEncoding;
    final byte[] body; // uncompressed
    final List<Span> spans;

    Message(Headers headers, byte[] body, List<Span> spans) {
      this.headers = headers;
      this.contentType = headers.getFirst("Content-Type");
      this.contentEncoding = headers.getFirst("Content-Encoding");
      this.body = body;
      this.spans = spans;
    }
  }

  private final HttpServer server;
  final List<Message> messages = new CopyOnWriteArrayList<>();
  final List<Span> spans = new CopyOnWriteArrayList<>();
  /** Bodies that were empty, held no span, or did not decode: none should ever come. */
  final List<byte[]> rejected = new CopyOnWriteArrayList<>();
  private volatile int status = 202;

  HttpCollector() throws IOException {
    this(null);
  }

  /** Over HTTPS when {@code tls} is not null, with the key and certificate it holds. */
  HttpCollector(SSLContext tls) throws IOException {
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    if (tls == null) {
      server = HttpServer.create(loopback, 0);
    } else {
      HttpsServer https = HttpsServer.create(loopback, 0);
      https.setHttpsConfigurator(new HttpsConfigurator(tls));
      server = https;
    }
    server.createContext("/api/v2/spans", this::handle);
    server.start();
  }

  String spansUrl() {
    return (server instanceof HttpsServer ? "https" : "http") + "://127.0.0.1:"
        + server.getAddress().getPort() + "/api/v2/spans";
  }

  /** The status to answer from now on: 202 accepts, anything else refuses and keeps nothing. */
  void answer(int status) {
    this.status = status;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String type = exchange.getRequestHeaders().getFirst("Content-Type");
      String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
      byte[] body;
      try (InputStream in = "gzip".equals(encoding)
          ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      int answer = status;
      if (answer == 202) {
        SpanBytesDecoder decoder = "application/x-protobuf".equals(type)
            ? SpanBytesDecoder.PROTO3 : SpanBytesDecoder.JSON_V2;
        List<Span> decoded;
        try { // from a direct buffer: see SpanEncoderTest.zipkinsArrayJsonDecoderGarblesCharactersAcross8KiB
          decoded = decoder.decodeList(ByteBuffer.allocateDirect(body.length).put(body).flip());
        } catch (RuntimeException e) {
          decoded = null;
        }
        if (decoded == null || decoded.isEmpty()) {
          answer = 400; // as Zipkin answers an empty or undecodable message
          rejected.add(body);
        } else {
          messages.add(new Message(exchange.getRequestHeaders(), body, decoded));
          spans.addAll(decoded);
        }
      }
      exchange.sendResponseHeaders(answer, -1);
    }
  }

  @Override public void close() {
    server.stop(0);
  }
}
