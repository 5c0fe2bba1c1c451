package io.tracelet;

import java.util.concurrent.atomic.LongAdder;

/**
 * Where spans count what {@link SpanLimits} cut: the write side of the limit counts that
 * {@link TracingCounters} shows. Thread-safe; an increment is a {@link LongAdder} add, uncontended
 * across threads.
 */
final class LimitCounters {
  final LongAdder tagsDropped = new LongAdder();
  final LongAdder eventsDropped = new LongAdder();
  final LongAdder tagValuesTruncated = new LongAdder();
}
