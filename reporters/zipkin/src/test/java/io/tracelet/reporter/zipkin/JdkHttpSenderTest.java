package io.tracelet.reporter.zipkin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracelet.Tracing;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import zipkin2.reporter.Encoding;

class JdkHttpSenderTest {
  final HttpCollector collector = new HttpCollector();
  final RandomSpans random = new RandomSpans(13, false);
  final List<AutoCloseable> closeables = new ArrayList<>();

  JdkHttpSenderTest() throws IOException {
  }

  @AfterEach void tearDown() throws Exception {
    for (AutoCloseable c : closeables) c.close();
    collector.close();
  }

  @Test void postsGzippedJsonByDefaultAndProto3WhenAsked() throws Exception {
    try (ZipkinReporter reporter = ZipkinReporter.newBuilder(JdkHttpSender.create(collector.spansUrl())).build()) {
      reporter.report(random.batch(3));
    }
    try (ZipkinReporter reporter = ZipkinReporter.newBuilder(JdkHttpSender.newBuilder(collector.spansUrl())
        .encoding(Encoding.PROTO3).compression(false).build()).build()) {
      reporter.report(random.batch(2));
    }
    assertThat(collector.messages).hasSize(2);
    assertThat(collector.messages.get(0).contentType).isEqualTo("application/json");
    assertThat(collector.messages.get(0).contentEncoding).isEqualTo("gzip");
    assertThat(collector.messages.get(1).contentType).isEqualTo("application/x-protobuf");
    assertThat(collector.messages.get(1).contentEncoding).isNull();
    assertThat(collector.spans).hasSize(5);
    assertThat(collector.rejected).isEmpty();
  }

  @Test void aStatusOtherThan2xxIsAnIOExceptionWithTheStatus() throws Exception {
    collector.answer(503);
    try (JdkHttpSender sender = JdkHttpSender.create(collector.spansUrl())) {
      assertThatThrownBy(() -> sender.send(List.of("{}".getBytes(StandardCharsets.UTF_8))))
          .isInstanceOf(IOException.class).hasMessageContaining("503");
    }
  }

  @Test void malformedUrlsAreRefusedAtOnce() {
    assertThatThrownBy(() -> JdkHttpSender.create("not a url")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JdkHttpSender.create("ftp://127.0.0.1/x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test void anInterruptAbandonsAPostToABackendThatNeverAnswers() throws Exception {
    BlackHole hole = new BlackHole(0);
    closeables.add(hole);
    try (JdkHttpSender sender = JdkHttpSender.create(hole.url())) {
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      Thread poster = new Thread(() -> {
        try {
          sender.send(List.of("{}".getBytes(StandardCharsets.UTF_8)));
        } catch (Throwable t) {
          thrown.set(t);
        }
      });
      poster.start();
      assertThat(hole.accepted.await(10, TimeUnit.SECONDS)).isTrue();
      poster.interrupt();
      poster.join(10_000);
      assertThat(poster.isAlive()).isFalse();
      assertThat(thrown.get()).isInstanceOf(InterruptedIOException.class);
    }
  }

  /**
   * The outside test of issue 13: a backend that accepts connections and never answers, or that
   * answers 503 after two seconds. close(timeout) returns within its timeout and no recorder thread
   * is left; every span is accounted for.
   */
  @Test void closeReturnsOnTimeAndLeavesNoThreadWithABlackHoledOrSlowBackend() throws Exception {
    for (int answerAfterMillis : new int[] {0, 2000}) {
      BlackHole hole = new BlackHole(answerAfterMillis);
      closeables.add(hole);
      String service = "blackhole" + answerAfterMillis;
      Tracing tracing = Tracing.newBuilder().serviceName(service).reporter(ZipkinReporter.http(hole.url()))
          .maxBatchSpans(10).maxBatchDelay(Duration.ZERO).build();
      for (int i = 0; i < 100; i++) tracing.tracer().spanBuilder("s").start().finish();
      assertThat(hole.accepted.await(10, TimeUnit.SECONDS)).isTrue();

      Duration timeout = Duration.ofSeconds(3);
      long start = System.nanoTime();
      long undelivered = tracing.close(timeout);
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertThat(tookMillis).as("close took %s ms", tookMillis).isLessThanOrEqualTo(timeout.toMillis() + 250);
      assertThat(recorderThreads(service)).as("threads left by close").isEmpty();
      assertThat(tracing.counters().spansReported()).isZero();
      assertThat(tracing.counters().spansFailed() + undelivered).isEqualTo(100);
      assertThat(tracing.counters().spansQueued()).isZero();
    }
  }

  static List<Thread> recorderThreads(String service) {
    List<Thread> alive = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("tracelet-recorder-" + service) && t.isAlive()) alive.add(t);
    }
    return alive;
  }

  /**
   * A backend on a loopback port that accepts connections and reads requests, then never answers
   * ({@code answerAfterMillis} 0) or answers 503 after that long.
   */
  static final class BlackHole implements AutoCloseable {
    final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    final CountDownLatch accepted = new CountDownLatch(1);
    final List<Socket> sockets = new ArrayList<>();
    final Thread acceptor;

    BlackHole(int answerAfterMillis) throws IOException {
      acceptor = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            Socket socket = server.accept();
            synchronized (sockets) {
              sockets.add(socket);
            }
            accepted.countDown();
            if (answerAfterMillis > 0) answerLater(socket, answerAfterMillis);
          } catch (IOException e) {
            return; // closed
          }
        }
      }, "blackhole-acceptor");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    private static void answerLater(Socket socket, int afterMillis) {
      Thread answerer = new Thread(() -> {
        try {
          Thread.sleep(afterMillis); // the point of this backend: it is slow
          socket.getOutputStream().write(("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
              + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          socket.close();
        } catch (IOException | InterruptedException e) {
          // the test is over
        }
      });
      answerer.setDaemon(true);
      answerer.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getLocalPort() + "/api/v2/spans";
    }

    @Override public void close() throws IOException {
      server.close();
      synchronized (sockets) {
        for (Socket s : sockets) s.close();
      }
    }
  }
}
