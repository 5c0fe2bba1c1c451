package io.tracelet.examples.demo;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread names that say which service a log line's thread belongs to. */
final class Threads {
  private Threads() {
  }

  /** Daemon threads named {@code prefix-1}, {@code prefix-2}... */
  static ThreadFactory named(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
