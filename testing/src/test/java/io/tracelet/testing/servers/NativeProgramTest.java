package io.tracelet.testing.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A native program under {@link JavaProcess#NATIVE_WATCHDOG}: started, stopped, and never left behind. */
class NativeProgramTest {
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  // Prints a line, then serves (sleeps) until it is ended.
  static final List<String> SERVING = List.of("-c", "echo now serving; exec sleep 600");

  final JavaProcess process = JavaProcess.nativeProgram("native child", Map.of());

  @AfterEach void close() {
    process.close();
  }

  @Test void startReturnsOnceTheProgramPrintedItsReadyLineAndStopEndsIt() {
    process.start("/bin/sh", SERVING, "serving", TIMEOUT);
    List<ProcessHandle> program = descendantsOf(process);
    assertThat(program).as("the program under the watchdog").isNotEmpty();

    process.stop();

    assertThat(process.isRunning()).isFalse();
    for (ProcessHandle p : program) {
      assertThat(p.onExit()).succeedsWithin(Duration.ofSeconds(10));
    }
  }

  @Test void aProgramThatExitsBeforeItIsReadyFailsWithItsOutputAndStatus() {
    assertThatThrownBy(() -> process.start("/bin/sh", List.of("-c", "echo cannot bind; exit 3"), "serving", TIMEOUT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("native child exited with code 3 before it was ready")
        .hasMessageContaining("cannot bind");
  }

  @Test void theProgramEndsWhenTheWatchdogsInputCloses() throws Exception {
    Process watchdog = new ProcessBuilder("/bin/sh", "-c", JavaProcess.NATIVE_WATCHDOG, "test", "/bin/sh",
        SERVING.get(0), SERVING.get(1)).redirectErrorStream(true).start();
    try {
      assertThat(watchdog.waitFor(500, TimeUnit.MILLISECONDS)).as("exited while its input was open").isFalse();
      List<ProcessHandle> program = watchdog.descendants().toList();
      assertThat(program).isNotEmpty();

      watchdog.getOutputStream().close(); // what happens when the test JVM dies, however it dies

      assertThat(watchdog.waitFor(30, TimeUnit.SECONDS)).isTrue();
      for (ProcessHandle p : program) {
        assertThat(p.onExit()).succeedsWithin(Duration.ofSeconds(10));
      }
    } finally {
      watchdog.descendants().forEach(ProcessHandle::destroyForcibly);
      watchdog.destroyForcibly();
    }
  }

  private static List<ProcessHandle> descendantsOf(JavaProcess process) {
    // The watchdog shell is this JVM's child: its descendants are the program and the input reader.
    return ProcessHandle.current().children()
        .filter(child -> child.info().commandLine().orElse("").contains("native child"))
        .flatMap(ProcessHandle::descendants).toList();
  }
}
