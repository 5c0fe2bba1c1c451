package io.tracelet.testing.servers;

import java.util.concurrent.CountDownLatch;

/** Main classes for the JVMs that {@link JavaProcessTest} starts. */
final class ChildMains {
  private ChildMains() {
  }

  /** Prints its arguments, one a line, then serves until it is stopped. */
  static final class Serving {
    public static void main(String[] args) throws InterruptedException {
      for (String arg : args) System.out.println(arg);
      new CountDownLatch(1).await(); // until the process is stopped
    }
  }

  /** Prints its arguments, then serves; asked to stop (SIGTERM), its shutdown never ends. */
  static final class Lingering {
    public static void main(String[] args) throws InterruptedException {
      CountDownLatch never = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          never.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
      for (String arg : args) System.out.println(arg);
      never.await();
    }
  }

  /** Prints its arguments, then exits with the code given as the first one. */
  static final class Exiting {
    public static void main(String[] args) {
      for (String arg : args) System.out.println(arg);
      System.exit(Integer.parseInt(args[0]));
    }
  }
}
