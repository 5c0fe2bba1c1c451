package io.tracelet.spring.boot;

import io.micrometer.tracing.exporter.SpanExportingPredicate;
import io.micrometer.tracing.exporter.SpanFilter;
import io.tracelet.Propagator;
import io.tracelet.Sampler;
import io.tracelet.ScopeDecorator;
import io.tracelet.SpanReporter;
import io.tracelet.Tracing;
import io.tracelet.micrometer.tracing.ExportingSpanReporter;
import io.tracelet.micrometer.tracing.TraceletPropagator;
import io.tracelet.micrometer.tracing.TraceletTracer;
import io.tracelet.propagation.Propagators;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.NoopTracerAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.TracingProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Spring Boot 4 auto-configuration of Tracelet behind Micrometer Tracing: a {@link Tracing}, the
 * bridge's {@link TraceletTracer} (Micrometer's {@code Tracer}) and {@link TraceletPropagator}
 * (Micrometer's {@code Propagator}), so that Boot's {@code MicrometerTracingAutoConfiguration}
 * wires its observation handlers to Tracelet. It runs before that configuration and before Boot's
 * no-op tracer.
 *
 * <p>{@code Tracing}: service name {@code spring.application.name} ({@code application} when unset);
 * sampler {@code Sampler.probability(management.tracing.sampling.probability)} (Boot's default 0.1)
 * unless a {@link Sampler} bean is defined; propagator {@code Propagators.w3cThenB3()} unless a
 * Tracelet {@link Propagator} bean is defined; reporter the {@link SpanReporter} bean, if any
 * (spans are dropped otherwise), behind Micrometer's {@link SpanExportingPredicate},
 * {@link SpanFilter} and Micrometer {@code SpanReporter} beans when there are any; every
 * {@link ScopeDecorator} bean, in order. Closed with the context.
 *
 * <p>Each bean backs off when the application defines its own: a {@code Tracing}, a Micrometer
 * {@code Tracer}, a Micrometer {@code Propagator} (the propagator also when the tracer is not
 * Tracelet's).
 */
@AutoConfiguration(before = {MicrometerTracingAutoConfiguration.class, NoopTracerAutoConfiguration.class})
@ConditionalOnClass({Tracing.class, TraceletTracer.class, io.micrometer.tracing.Tracer.class})
@EnableConfigurationProperties(TracingProperties.class)
public final class TraceletAutoConfiguration {
  /** For Spring. */
  public TraceletAutoConfiguration() {
  }

  @Bean
  @ConditionalOnMissingBean
  Tracing traceletTracing(Environment environment, TracingProperties properties, ObjectProvider<Sampler> sampler,
      ObjectProvider<Propagator> propagator, ObjectProvider<SpanReporter> reporter,
      ObjectProvider<SpanExportingPredicate> predicates, ObjectProvider<SpanFilter> filters,
      ObjectProvider<io.micrometer.tracing.exporter.SpanReporter> micrometerReporters,
      ObjectProvider<ScopeDecorator> decorators) {
    Tracing.Builder builder = Tracing.newBuilder()
        .serviceName(environment.getProperty("spring.application.name", "application"))
        .sampler(sampler.getIfAvailable(() -> Sampler.probability(properties.getSampling().getProbability())))
        .propagator(propagator.getIfAvailable(Propagators::w3cThenB3));
    decorators.orderedStream().forEach(builder::addScopeDecorator);
    SpanReporter delegate = reporter.getIfAvailable();
    List<SpanExportingPredicate> p = predicates.orderedStream().collect(Collectors.toList());
    List<SpanFilter> f = filters.orderedStream().collect(Collectors.toList());
    List<io.micrometer.tracing.exporter.SpanReporter> r = micrometerReporters.orderedStream()
        .collect(Collectors.toList());
    if (!p.isEmpty() || !f.isEmpty() || !r.isEmpty()) {
      builder.reporter(ExportingSpanReporter.create(delegate != null ? delegate : batch -> { }, p, f, r));
    } else if (delegate != null) {
      builder.reporter(delegate);
    }
    return builder.build();
  }

  @Bean
  @ConditionalOnMissingBean(io.micrometer.tracing.Tracer.class)
  TraceletTracer traceletTracer(Tracing tracing) {
    return TraceletTracer.create(tracing);
  }

  @Bean
  @ConditionalOnMissingBean(io.micrometer.tracing.propagation.Propagator.class)
  @ConditionalOnBean(TraceletTracer.class)
  TraceletPropagator traceletPropagator(TraceletTracer tracer) {
    return TraceletPropagator.create(tracer);
  }
}
