package io.tracelet;

import java.util.List;

/**
 * Where finished spans go: the plug between Tracelet's recorder and a backend.
 *
 * <p>The recorder calls {@link #report} from its one thread, never concurrently, with batches of
 * finished spans; the list is reused after the call returns, so copy what must outlive it. A
 * reporter may block (it delays only the recorder, never an application thread). An exception it
 * throws is logged and counted; the recorder goes on with the next batch.
 *
 * <p>{@link #close()} is called once, from the thread that closes {@link Tracing}, after the last
 * batch.
 */
@FunctionalInterface
public interface SpanReporter extends AutoCloseable {

  /** Delivers one batch; never empty. */
  void report(List<FinishedSpan> batch);

  /** Releases what the reporter holds (connections, threads). Does nothing by default. */
  @Override
  default void close() {
  }
}
