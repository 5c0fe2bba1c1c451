package io.tracelet.testing.servers;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;

/**
 * The main class of every JVM the extensions start: it runs the real main class, named by the
 * first argument, with the remaining arguments, and ends the JVM once its standard input reaches
 * its end. The test JVM holds the other end of that pipe and never writes to it, so the pipe ends
 * when the test JVM does, however it ends, even killed with no chance to run a shutdown hook: no
 * server outlives the tests that started it.
 */
final class ParentWatchdog {
  // Time the server's own shutdown hooks get before the JVM is halted.
  private static final long SHUTDOWN_GRACE_MILLIS = 30_000L;

  private ParentWatchdog() {
  }

  public static void main(String[] args) throws Throwable {
    Thread watchdog = new Thread(ParentWatchdog::exitWhenInputEnds, "tracelet-parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    try {
      Class.forName(args[0]).getMethod("main", String[].class)
          .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static void exitWhenInputEnds() {
    try {
      while (System.in.read() != -1) {
        // The test JVM writes nothing; anything read is ignored.
      }
    } catch (IOException e) {
      // A broken pipe means the same: the test JVM is gone.
    }
    Thread halt = new Thread(() -> {
      try {
        Thread.sleep(SHUTDOWN_GRACE_MILLIS);
      } catch (InterruptedException e) {
        // Halting now is what was going to happen anyway.
      }
      Runtime.getRuntime().halt(1);
    }, "tracelet-parent-watchdog-halt");
    halt.setDaemon(true);
    halt.start();
    System.exit(0);
  }
}
