package io.tracelet.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.testing.servers.PrometheusServer;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Prometheus's {@code promtool} (from the PATH) and asserts it succeeded. */
final class Promtool {
  private Promtool() {
  }

  /**
   * Runs {@code promtool args} in {@code dir} with {@code input} on its standard input, and returns
   * what it printed (standard output and error).
   *
   * @throws AssertionError when it exits with a code other than 0, quoting what it said
   */
  static String run(Path dir, String input, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(PrometheusServer.executable("promtool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    try (OutputStream in = process.getOutputStream()) {
      in.write(input.getBytes(StandardCharsets.UTF_8));
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    assertThat(process.exitValue()).as("promtool %s exit code; it said:%n%s", String.join(" ", args), output).isZero();
    return output;
  }
}
