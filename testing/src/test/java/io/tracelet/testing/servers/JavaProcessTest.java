package io.tracelet.testing.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaProcessTest {
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  static final List<String> SMALL_JVM = List.of("-Xmx32m", "-XX:TieredStopAtLevel=1");

  final JavaProcess process = new JavaProcess("test child", List.of(testClasses()), SMALL_JVM, Map.of());

  static Path testClasses() {
    try {
      return Path.of(ChildMains.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  @AfterEach void close() {
    process.close();
  }

  @Test void startReturnsOnceTheServerPrintedItsReadyLineAndStopEndsIt() {
    process.start(ChildMains.Serving.class.getName(), List.of("warming up", "now serving"), "serving", TIMEOUT);

    assertThat(process.isRunning()).isTrue();
    assertThat(process.exitsWithin(Duration.ofMillis(10))).isFalse();

    process.stop();

    assertThat(process.isRunning()).isFalse();
    assertThat(process.exitsWithin(Duration.ofMillis(10))).isTrue();
  }

  @Test void stopWithAGracePeriodSaysWhetherTheServerExitedByItselfOrWasKilled() {
    process.start(ChildMains.Serving.class.getName(), List.of("serving"), "serving", TIMEOUT);
    assertThat(process.stop(TIMEOUT)).isTrue();
    assertThat(process.isRunning()).isFalse();

    process.start(ChildMains.Lingering.class.getName(), List.of("serving"), "serving", TIMEOUT);
    long start = System.nanoTime();
    assertThat(process.stop(Duration.ofSeconds(1))).isFalse();
    assertThat(process.isRunning()).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT);

    assertThat(process.stop(Duration.ofSeconds(1))).as("not running").isTrue();
  }

  @Test void logLinesFindsWhatTheServerPrintedOverEveryLaunchInOrder() {
    assertThat(process.logLines("refused", 10)).as("nothing printed yet").isEmpty();

    process.start(ChildMains.Serving.class.getName(), List.of("batch 1 refused", "stored", "serving"), "serving",
        TIMEOUT);
    process.stop();
    process.start(ChildMains.Serving.class.getName(), List.of("batch 2 refused", "batch 3 refused", "serving"),
        "serving", TIMEOUT);

    assertThat(process.logLines("refused", 10)).containsExactly("batch 1 refused", "batch 2 refused",
        "batch 3 refused");
    assertThat(process.logLines("refused", 2)).containsExactly("batch 1 refused", "batch 2 refused");
    assertThat(process.logLines("lost", 10)).isEmpty();
  }

  @Test void aServerThatExitsBeforeItIsReadyFailsWithItsOutput() {
    assertThatThrownBy(() -> process.start(ChildMains.Exiting.class.getName(), List.of("3", "cannot bind"), "serving", TIMEOUT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("test child exited with code 3 before it was ready")
        .hasMessageContaining("cannot bind");
  }

  @Test void aServerThatNeverGetsReadyIsStoppedAtTheDeadline() {
    assertThatThrownBy(() -> process.start(ChildMains.Serving.class.getName(), List.of("busy"), "serving", Duration.ofSeconds(2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("test child did not print \"serving\" within PT2S")
        .hasMessageContaining("busy");
    assertThat(process.isRunning()).isFalse();
  }

  @Test void runWaitsForAToolAndReportsItsFailure() {
    process.run(ChildMains.Exiting.class.getName(), List.of("0"), TIMEOUT);

    assertThatThrownBy(() -> process.run("io.tracelet.testing.servers.NoSuchMain", List.of(), TIMEOUT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("test child failed with exit code 1")
        .hasMessageContaining("ClassNotFoundException: io.tracelet.testing.servers.NoSuchMain");
  }

  @Test void closeStopsTheServerAndDeletesItsDirectory() {
    process.start(ChildMains.Serving.class.getName(), List.of("serving"), "serving", TIMEOUT);
    Path directory = process.directory();
    assertThat(directory).isDirectory().isDirectoryContaining(path -> path.endsWith("output.log"));

    process.close();

    assertThat(process.isRunning()).isFalse();
    assertThat(directory).doesNotExist();
  }

  @Test void aChildEndsWhenItsStandardInputCloses() throws Exception {
    String classpath = JavaProcessTest.class.getProtectionDomain().getCodeSource().getLocation().getPath()
        + java.io.File.pathSeparator
        + ParentWatchdog.class.getProtectionDomain().getCodeSource().getLocation().getPath();
    Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-Xmx32m",
        "-cp", classpath, ParentWatchdog.class.getName(), ChildMains.Serving.class.getName())
        .redirectErrorStream(true).start();
    try {
      assertThat(child.waitFor(500, TimeUnit.MILLISECONDS)).as("exited while its input was open").isFalse();

      child.getOutputStream().close(); // what happens when the test JVM dies, however it dies

      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(child.exitValue()).isZero();
    } finally {
      child.destroyForcibly();
    }
  }

  @Test void deletesOnlyTheDirectoriesOfTestJvmsThatAreGone(@TempDir Path tmp) throws Exception {
    Process gone = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-version").start();
    gone.waitFor(60, TimeUnit.SECONDS);
    Path abandoned = Files.createDirectory(tmp.resolve("tracelet-abandoned"));
    Files.writeString(abandoned.resolve("owner.pid"), Long.toString(gone.pid()));
    Files.createDirectories(abandoned.resolve("data/logs"));
    Path live = Files.createDirectory(tmp.resolve("tracelet-live"));
    Files.writeString(live.resolve("owner.pid"), Long.toString(ProcessHandle.current().pid()));
    Path starting = Files.createDirectory(tmp.resolve("tracelet-starting"));
    Path someoneElses = Files.createDirectory(tmp.resolve("other-abandoned"));
    Files.writeString(someoneElses.resolve("owner.pid"), Long.toString(gone.pid()));

    JavaProcess.deleteAbandonedDirectories(tmp);

    assertThat(abandoned).doesNotExist();
    assertThat(live).isDirectory();
    assertThat(starting).isDirectory();
    assertThat(someoneElses).isDirectory();
  }
}
