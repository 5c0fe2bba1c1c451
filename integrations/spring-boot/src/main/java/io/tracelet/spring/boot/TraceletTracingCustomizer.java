package io.tracelet.spring.boot;

import io.tracelet.Tracing;

/**
 * Changes the {@link Tracing.Builder} of the auto-configured {@code Tracing} after the properties
 * and beans have been applied: define beans of this type for settings that have no property (span
 * limits, a clock for tests, strict scopes). They run in their {@code @Order}, on the thread that
 * starts the application context, once.
 *
 * <pre>{@code
 * @Bean TraceletTracingCustomizer limits() {
 *   return builder -> builder.spanLimits(SpanLimits.newBuilder().maxTags(32).build());
 * }
 * }</pre>
 */
@FunctionalInterface
public interface TraceletTracingCustomizer {
  /**
   * Changes {@code builder}; called once, before the {@code Tracing} is built.
   *
   * @param builder the builder of the application's {@code Tracing}
   */
  void customize(Tracing.Builder builder);
}
