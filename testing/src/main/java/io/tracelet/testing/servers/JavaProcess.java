package io.tracelet.testing.servers;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A server JVM that the test JVM starts, stops and may start again, with a fresh temporary
 * directory of its own (its log, its {@code java.io.tmpdir}, and whatever the caller puts there)
 * that {@link #close()} deletes. A directory left behind by a test JVM that was killed is deleted
 * when a later one creates its own. {@link #nativeProgram} runs a program that is not Java (the
 * Prometheus server) the same way.
 *
 * <p>Every launch runs through {@link ParentWatchdog} (a native program through a shell that does
 * the same job, {@link #NATIVE_WATCHDOG}), and a shutdown hook of the test JVM stops what is still
 * running, so a server never outlives its tests. The child's output (stdout and stderr) goes to one
 * log file, appended across launches; failures quote its last lines.
 *
 * <p>Thread-safe: launching and stopping are serialized on this object.
 */
final class JavaProcess implements AutoCloseable {
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final int LOG_TAIL_LINES = 40;
  private static final String DIRECTORY_PREFIX = "tracelet-";
  private static final String OWNER_FILE = "owner.pid";
  /**
   * What {@link ParentWatchdog} does for a JVM, in POSIX sh for a native program: runs the program
   * (its arguments follow the script) with no input, ends it with SIGTERM when the shell's standard
   * input (a pipe from the test JVM, never written) reaches its end, since the test JVM is then gone
   * however it ended, and also when the shell itself gets SIGTERM ({@link #stop()}); exits with the
   * program's status. The reader runs in the background on a copy of that input (a background job
   * of a non-interactive shell would otherwise read {@code /dev/null}), with no output of its own,
   * so the program's output pipe ends when the program does.
   */
  static final String NATIVE_WATCHDOG = String.join("\n",
      "p=",
      "trap 'if [ -n \"$p\" ]; then kill -TERM \"$p\" 2>/dev/null; fi' TERM INT HUP",
      "exec 3<&0",
      "\"$@\" </dev/null &",
      "p=$!",
      "{ while read -r _; do :; done; kill -TERM \"$p\" 2>/dev/null; } <&3 >/dev/null 2>&1 &",
      "w=$!",
      "exec 3<&-",
      "wait \"$p\"; s=$?",
      "while kill -0 \"$p\" 2>/dev/null; do wait \"$p\"; s=$?; done",
      "kill \"$w\" 2>/dev/null",
      "exit \"$s\"");

  private final String name;
  private final List<String> command;
  private final Map<String, String> environment;
  private final Path directory;
  private final Path log;
  private final Thread shutdownHook;
  private volatile Process process; // written under this; read by the shutdown hook without it
  private Thread output; // guarded by this
  private boolean hooked; // guarded by this

  /**
   * @param name what the process is, for messages and thread names
   * @param classpath the server's jars
   * @param jvmOptions options before the main class, such as heap sizes
   * @param environment variables to set (an empty value is set as empty), on top of the test JVM's
   */
  JavaProcess(String name, List<Path> classpath, List<String> jvmOptions, Map<String, String> environment) {
    this(name, classpath, directory -> jvmOptions, environment);
  }

  /**
   * As above, with JVM options that name files in the process's own directory (which exists, empty
   * but for {@code tmp}, when {@code jvmOptions} is called).
   */
  JavaProcess(String name, List<Path> classpath, Function<Path, List<String>> jvmOptions,
      Map<String, String> environment) {
    this(name, environment, directory -> javaCommand(classpath, jvmOptions.apply(directory), directory));
  }

  /**
   * A native program rather than a JVM: {@link #start} and {@link #run} then take the program's
   * executable where they take a main class. It runs under {@link #NATIVE_WATCHDOG} ({@code /bin/sh}),
   * in its own directory, with {@code environment} on top of the test JVM's. {@link #kill()} kills
   * that shell, not the program: use {@link #stop()}.
   */
  static JavaProcess nativeProgram(String name, Map<String, String> environment) {
    return new JavaProcess(name, environment, directory -> List.of("/bin/sh", "-c", NATIVE_WATCHDOG, name));
  }

  private JavaProcess(String name, Map<String, String> environment, Function<Path, List<String>> command) {
    this.name = name;
    this.environment = Map.copyOf(environment);
    try {
      deleteAbandonedDirectories(Path.of(System.getProperty("java.io.tmpdir")));
      this.directory = Files.createTempDirectory(DIRECTORY_PREFIX + name.replaceAll("[^A-Za-z0-9]+", "-") + "-");
      Files.createDirectory(directory.resolve("tmp"));
      Files.writeString(directory.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory for " + name, e);
    }
    this.log = directory.resolve("output.log");
    this.command = List.copyOf(command.apply(directory));
    this.shutdownHook = new Thread(this::stopAtJvmExit, "tracelet-stop-" + directory.getFileName());
  }

  /** The process's own directory, where the caller may write files it needs. */
  Path directory() {
    return directory;
  }

  /**
   * Runs {@code mainClass} (a tool, not a server) to its end.
   *
   * @throws IllegalStateException when it fails or takes longer than {@code timeout}
   */
  synchronized void run(String mainClass, List<String> args, Duration timeout) {
    launch(mainClass, args, null);
    try {
      Process p = process;
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        stop();
        throw failure("did not finish within " + timeout);
      }
      finishOutput();
      if (p.exitValue() != 0) throw failure("failed with exit code " + p.exitValue());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
      throw new IllegalStateException("interrupted while " + name + " ran", e);
    }
  }

  /**
   * Starts {@code mainClass} as a long-running server and returns once it printed a line that
   * contains {@code readyText}, or at once when that is null.
   *
   * @throws IllegalStateException when it exits first or {@code timeout} passes first (it is then
   *     stopped)
   */
  synchronized void start(String mainClass, List<String> args, String readyText, Duration timeout) {
    CompletableFuture<Void> ready = launch(mainClass, args, readyText);
    try {
      CompletableFuture.anyOf(ready, process.onExit()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      stop();
      throw failure("did not print \"" + readyText + "\" within " + timeout);
    } catch (ExecutionException e) {
      stop();
      throw failure("could not be watched: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
      throw new IllegalStateException("interrupted while " + name + " started", e);
    }
    if (!ready.isDone()) {
      finishOutput();
      throw failure("exited with code " + process.exitValue() + " before it was ready");
    }
  }

  /** True while the server launched last is alive. */
  boolean isRunning() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /**
   * Waits {@code pause}, or less when the process exits meanwhile: the pause between two readiness
   * checks, which notices a crash at once. Returns true when the process is not running.
   */
  boolean exitsWithin(Duration pause) {
    Process p = process;
    if (p == null) return true;
    try {
      return p.waitFor(pause.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + name, e);
    }
  }

  /**
   * Stops the running server, if any: SIGTERM, so it shuts down cleanly, then SIGKILL when it has
   * not exited within 30 seconds. Returns once it has exited.
   */
  synchronized void stop() {
    terminate(process, STOP_TIMEOUT);
    finishOutput();
  }

  /**
   * As {@link #stop()}, with {@code timeout} before SIGKILL instead of 30 seconds. Returns true
   * when the server exited by itself (or was not running), false when it had to be killed.
   */
  synchronized boolean stop(Duration timeout) {
    boolean exited = terminate(process, timeout);
    finishOutput();
    return exited;
  }

  /**
   * Kills the running server, if any, with SIGKILL, as a crash would: no shutdown hook runs.
   * Returns once it has exited.
   */
  synchronized void kill() {
    Process p = process;
    if (p != null && p.isAlive()) {
      try {
        p.destroyForcibly().waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    finishOutput();
  }

  /**
   * The CPU time (user and system) the server launched last has used so far, or zero when it is
   * not running or the OS does not say.
   */
  Duration cpuTime() {
    Process p = process;
    if (p == null || !p.isAlive()) return Duration.ZERO;
    return p.info().totalCpuDuration().orElse(Duration.ZERO);
  }

  /** An exception saying that the process {@code what}, with the last lines of its output. */
  IllegalStateException failure(String what) {
    return new IllegalStateException(name + " " + what + ". The last lines of its output:\n" + logTail());
  }

  /** Stops the server and deletes its directory. */
  @Override public synchronized void close() {
    stop();
    deleteTree(directory);
    if (hooked) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // The JVM is shutting down: the hook runs anyway and finds nothing left to do.
      }
      hooked = false;
    }
  }

  @Override public String toString() {
    return name;
  }

  private CompletableFuture<Void> launch(String mainClass, List<String> args, String readyText) {
    if (isRunning()) throw new IllegalStateException(name + " is already running");
    if (!hooked) {
      Runtime.getRuntime().addShutdownHook(shutdownHook);
      hooked = true;
    }
    List<String> cmd = new ArrayList<>(command);
    cmd.add(mainClass);
    cmd.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(cmd).directory(directory.toFile()).redirectErrorStream(true);
    builder.environment().putAll(environment);
    CompletableFuture<Void> ready = new CompletableFuture<>();
    if (readyText == null) ready.complete(null);
    Process p;
    try {
      p = builder.start(); // stdin stays an open pipe: ParentWatchdog waits on it
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", cmd), e);
    }
    process = p;
    output = new Thread(() -> copyOutput(p.getInputStream(), readyText, ready),
        "tracelet-output-" + directory.getFileName());
    output.setDaemon(true);
    output.start();
    return ready;
  }

  // Copies the child's output to the log, line by line, and completes ready at the first line
  // that contains readyText. Latin-1 both ways keeps every byte as it was.
  private void copyOutput(InputStream in, String readyText, CompletableFuture<Void> ready) {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
         Writer writer = Files.newBufferedWriter(log, StandardCharsets.ISO_8859_1,
             StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      for (String line; (line = reader.readLine()) != null; ) {
        writer.write(line);
        writer.write('\n');
        writer.flush(); // so that a failure message quotes everything printed so far
        if (readyText != null && line.contains(readyText)) ready.complete(null);
      }
    } catch (IOException e) {
      ready.completeExceptionally(e);
    }
  }

  // After the process exited: waits until its last output is in the log.
  private void finishOutput() {
    try {
      if (output != null) output.join(STOP_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // The shutdown hook: takes no lock, since a test thread may hold it while waiting for a start.
  private void stopAtJvmExit() {
    terminate(process, STOP_TIMEOUT);
    deleteTree(directory);
  }

  // SIGTERM, then SIGKILL after timeout; true when the process exited by itself.
  private static boolean terminate(Process p, Duration timeout) {
    if (p == null || !p.isAlive()) return true;
    p.destroy();
    try {
      if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) return true;
      p.destroyForcibly().waitFor();
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    return false;
  }

  // The servers of a killed test JVM ended with it (see ParentWatchdog); their directories did not.
  static void deleteAbandonedDirectories(Path tmp) {
    try (DirectoryStream<Path> directories = Files.newDirectoryStream(tmp, DIRECTORY_PREFIX + "*")) {
      for (Path candidate : directories) {
        long owner;
        try {
          owner = Long.parseLong(Files.readString(candidate.resolve(OWNER_FILE)).strip());
        } catch (IOException | NumberFormatException e) {
          continue; // not one of ours, or its owner has not written the file yet
        }
        if (ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) continue;
        deleteTree(candidate);
      }
    } catch (IOException e) {
      // Nothing to sweep, or no right to: the sweep is a courtesy.
    }
  }

  private static void deleteTree(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      // Already gone, or a file the OS still holds: nothing else can be done about it here.
    }
  }

  /**
   * The first {@code max} lines of the output, over every launch so far, that contain {@code text};
   * none when there is no output yet.
   */
  List<String> logLines(String text, int max) {
    if (!Files.exists(log)) return List.of();
    try (Stream<String> lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
      return lines.filter(line -> line.contains(text)).limit(max).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + log, e);
    }
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  // The java command that runs ParentWatchdog, which then runs the main class given at launch.
  private static List<String> javaCommand(List<Path> classpath, List<String> jvmOptions, Path directory) {
    List<String> cp = new ArrayList<>();
    cp.add(watchdogLocation().toString());
    for (Path entry : classpath) cp.add(entry.toString());
    List<String> cmd = new ArrayList<>();
    cmd.add(javaExecutable());
    cmd.addAll(jvmOptions);
    cmd.add("-Djava.io.tmpdir=" + directory.resolve("tmp"));
    cmd.add("-cp");
    cmd.add(String.join(File.pathSeparator, cp));
    cmd.add(ParentWatchdog.class.getName());
    return cmd;
  }

  private static String javaExecutable() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  // The jar or directory holding ParentWatchdog, which the child needs on its classpath.
  private static Path watchdogLocation() {
    try {
      return Path.of(ParentWatchdog.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the classes of tracelet-testing", e);
    }
  }
}
