package io.tracelet.reporter.zipkin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.zip.GZIPOutputStream;
import zipkin2.reporter.BaseHttpSender;
import zipkin2.reporter.Encoding;
import zipkin2.reporter.HttpEndpointSuppliers;

/**
 * Posts span messages to a Zipkin server's {@code /api/v2/spans} with the JDK's own {@link
 * HttpClient}: JSON or proto3, gzip by default. {@link ZipkinReporter#http(String)} uses it.
 *
 * <p>Why not zipkin-reporter's {@code URLConnectionSender}: its blocking read ignores interrupts,
 * so a backend that accepts connections and never answers holds the sending thread until the read
 * timeout (a minute), past {@code Tracing.close}'s timeout. This sender waits for the response
 * interruptibly and gives up at once when interrupted or closed: the exchange is cancelled and the
 * call throws {@link InterruptedIOException}. Built on zipkin-reporter's {@link BaseHttpSender},
 * with no dependency beyond the JDK.
 *
 * <p>Thread-safe. {@code send} fails with an {@link IOException} for a status other than 2xx, a
 * timeout, a refused connection, an interrupt or a {@link #close()} during the call. Closing cancels
 * calls under way; on JDK 21 and later it also stops the client's own threads at once (on JDK 17
 * they end once the client is unreachable).
 */
public final class JdkHttpSender extends BaseHttpSender<URI, byte[]> {
  private static final MethodHandle SHUTDOWN_NOW = shutdownNow();

  private final HttpClient client;
  private final boolean compression;
  private final Duration requestTimeout;
  private final int messageMaxBytes;
  private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();

  private JdkHttpSender(Builder b) {
    super(b.encoding, HttpEndpointSuppliers.constantFactory(), b.endpoint);
    this.client = HttpClient.newBuilder().connectTimeout(b.connectTimeout).build();
    this.compression = b.compression;
    this.requestTimeout = b.requestTimeout;
    this.messageMaxBytes = b.messageMaxBytes;
  }

  /**
   * A JSON sender with the defaults to {@code endpoint}, such as
   * {@code http://127.0.0.1:9411/api/v2/spans}.
   *
   * @throws IllegalArgumentException when the URL is malformed or not http(s)
   */
  public static JdkHttpSender create(String endpoint) {
    return newBuilder(endpoint).build();
  }

  /** A builder for a sender to {@code endpoint}. */
  public static Builder newBuilder(String endpoint) {
    return new Builder(endpoint);
  }

  @Override public int messageMaxBytes() {
    return messageMaxBytes;
  }

  @Override protected URI newEndpoint(String endpoint) {
    return toUri(endpoint);
  }

  @Override protected byte[] newBody(List<byte[]> encodedSpans) throws IOException {
    byte[] message = encoding.encode(encodedSpans);
    if (!compression) return message;
    ByteArrayOutputStream gzipped = new ByteArrayOutputStream(message.length / 4 + 64);
    try (GZIPOutputStream gzip = new GZIPOutputStream(gzipped)) {
      gzip.write(message);
    }
    return gzipped.toByteArray();
  }

  @Override protected void postSpans(URI endpoint, byte[] body) throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
        .timeout(requestTimeout)
        .header("Content-Type", encoding.mediaType())
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (compression) request.header("Content-Encoding", "gzip");
    CompletableFuture<HttpResponse<byte[]>> call =
        client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    inFlight.add(call);
    HttpResponse<byte[]> response;
    try {
      response = call.get();
    } catch (InterruptedException e) {
      call.cancel(true);
      Thread.currentThread().interrupt(); // the caller decides what the interrupt means
      throw new InterruptedIOException("interrupted while posting spans to " + endpoint);
    } catch (CancellationException e) {
      throw new IOException("sender closed while posting spans to " + endpoint);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException) throw (IOException) cause; // ConnectException, HttpTimeoutException...
      throw new IOException(cause);
    } finally {
      inFlight.remove(call);
    }
    int status = response.statusCode();
    if (status / 100 != 2) {
      byte[] answer = response.body();
      String text = answer == null ? "" : new String(answer, 0, Math.min(answer.length, 200), StandardCharsets.UTF_8);
      throw new IOException("response " + status + " from " + endpoint + ": " + text);
    }
  }

  @Override protected void doClose() {
    for (CompletableFuture<?> call : inFlight) call.cancel(true);
    if (SHUTDOWN_NOW != null) {
      try {
        SHUTDOWN_NOW.invoke(client);
      } catch (Throwable t) { // closing is best effort
        ZipkinReporter.LOG.log(System.Logger.Level.DEBUG, "HttpClient.shutdownNow failed", t);
      }
    }
  }

  // HttpClient.shutdownNow() arrived in JDK 21; Tracelet compiles for 17.
  private static MethodHandle shutdownNow() {
    try {
      return MethodHandles.publicLookup().findVirtual(HttpClient.class, "shutdownNow", MethodType.methodType(void.class));
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }

  static URI toUri(String endpoint) {
    URI uri;
    try {
      uri = URI.create(Objects.requireNonNull(endpoint, "endpoint == null"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a URL: " + endpoint, e);
    }
    if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException("not an http(s) URL: " + endpoint);
    }
    return uri;
  }

  /** Configures a {@link JdkHttpSender}. Not thread-safe. */
  public static final class Builder {
    final String endpoint;
    Encoding encoding = Encoding.JSON;
    boolean compression = true;
    Duration connectTimeout = Duration.ofSeconds(10);
    Duration requestTimeout = Duration.ofSeconds(30);
    int messageMaxBytes = 500_000;

    Builder(String endpoint) {
      toUri(endpoint); // fail early on a malformed URL
      this.endpoint = endpoint;
    }

    /**
     * {@link Encoding#JSON} (the default) or {@link Encoding#PROTO3}.
     *
     * @throws IllegalArgumentException for another encoding
     */
    public Builder encoding(Encoding encoding) {
      if (encoding != Encoding.JSON && encoding != Encoding.PROTO3) {
        throw new IllegalArgumentException("JSON or PROTO3, not " + encoding);
      }
      this.encoding = encoding;
      return this;
    }

    /** Gzip each message (the default), as Zipkin's collector accepts. */
    public Builder compression(boolean compression) {
      this.compression = compression;
      return this;
    }

    /** How long connecting may take; 10 seconds. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive(connectTimeout, "connectTimeout");
      return this;
    }

    /** How long one post may take in all, response included; 30 seconds. */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = positive(requestTimeout, "requestTimeout");
      return this;
    }

    /**
     * The largest message before compression; 500,000 bytes, as Zipkin's collector expects.
     *
     * @throws IllegalArgumentException when below 1
     */
    public Builder messageMaxBytes(int messageMaxBytes) {
      if (messageMaxBytes < 1) throw new IllegalArgumentException("messageMaxBytes must be positive: " + messageMaxBytes);
      this.messageMaxBytes = messageMaxBytes;
      return this;
    }

    /** The sender; it owns an {@link HttpClient} until closed. */
    public JdkHttpSender build() {
      return new JdkHttpSender(this);
    }

    private static Duration positive(Duration d, String name) {
      if (Objects.requireNonNull(d, name + " == null").isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }
  }
}
