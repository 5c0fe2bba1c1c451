package io.tracelet.spring.boot;

import io.micrometer.tracing.exporter.SpanExportingPredicate;
import io.micrometer.tracing.exporter.SpanFilter;
import io.tracelet.KeepPolicy;
import io.tracelet.Propagator;
import io.tracelet.Sampler;
import io.tracelet.ScopeDecorator;
import io.tracelet.SpanReporter;
import io.tracelet.Tracing;
import io.tracelet.jdbc.JdbcTracing;
import io.tracelet.micrometer.tracing.ExportingSpanReporter;
import io.tracelet.micrometer.tracing.TraceletPropagator;
import io.tracelet.micrometer.tracing.TraceletTracer;
import io.tracelet.reporter.zipkin.JdkHttpSender;
import io.tracelet.reporter.zipkin.ZipkinReporter;
import io.tracelet.slf4j.MdcScopeDecorator;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import zipkin2.reporter.BytesMessageSender;
import zipkin2.reporter.Encoding;

/**
 * Spring Boot auto-configuration of Tracelet behind Micrometer Tracing (Boot 4.0, and 3.5): a
 * {@link Tracing}, the bridge's {@link TraceletTracer} (Micrometer's {@code Tracer}) and
 * {@link TraceletPropagator} (Micrometer's {@code Propagator}), so that Boot's
 * {@code MicrometerTracingAutoConfiguration} wires its observation handlers to Tracelet; a
 * {@link ZipkinReporter}, an MDC decorator for log correlation, and tracing of {@code DataSource}
 * beans when tracelet-jdbc is present.
 *
 * <p>It runs before Boot's Micrometer Tracing, Brave, OpenTelemetry and no-op tracer
 * configurations, so with Brave's on the class path too it is Tracelet that traces (Brave's
 * {@code Tracer} and {@code Propagator} beans back off for these). {@code tracelet.enabled=false}
 * turns it off and leaves the choice to them.
 *
 * <p>The {@code Tracing}: service name {@code spring.application.name} ({@code application} when
 * unset); sampler {@code Sampler.probability(management.tracing.sampling.probability)} (Boot's
 * default 0.1) or a {@link Sampler} bean; keep policy from {@code tracelet.keep.*} or a
 * {@link KeepPolicy} bean; propagator from {@code management.tracing.propagation.*} and
 * {@code management.tracing.baggage.*} or a Tracelet {@link Propagator} bean; reporter the
 * {@link SpanReporter} beans (the Zipkin reporter among them), behind Micrometer's
 * {@link SpanExportingPredicate}, {@link SpanFilter} and {@code SpanReporter} beans when there are
 * any; every {@link ScopeDecorator} bean in order; queue and close timeout from
 * {@code tracelet.*}; then every {@link TraceletTracingCustomizer}. It is closed with the
 * context, after the web server and message listeners have stopped, delivering the spans still
 * queued (within {@code tracelet.close-timeout}).
 *
 * <p>Backing off: no {@code Tracing} when the application defines one or a Micrometer
 * {@code Tracer}; no {@code TraceletTracer} when it defines a Micrometer {@code Tracer}; no
 * {@code TraceletPropagator} when it defines a Micrometer {@code Propagator} or its tracer is not
 * Tracelet's; no Zipkin reporter when it defines a {@code ZipkinReporter} or a {@code Tracing}.
 */
@AutoConfiguration(
    beforeName = {
        "org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
        "org.springframework.boot.micrometer.tracing.autoconfigure.NoopTracerAutoConfiguration",
        "org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration",
        "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration",
        // Boot 3.5's names
        "org.springframework.boot.actuate.autoconfigure.tracing.MicrometerTracingAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.tracing.NoopTracerAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.tracing.BraveAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.tracing.OpenTelemetryTracingAutoConfiguration"},
    afterName = {
        "org.springframework.boot.zipkin.autoconfigure.ZipkinAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.tracing.zipkin.ZipkinAutoConfiguration"})
@ConditionalOnClass({Tracing.class, TraceletTracer.class, io.micrometer.tracing.Tracer.class})
@ConditionalOnProperty(prefix = "tracelet", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(TraceletProperties.class)
public final class TraceletAutoConfiguration {
  /** For Spring. */
  public TraceletAutoConfiguration() {
  }

  @Bean
  @ConditionalOnMissingBean({Tracing.class, io.micrometer.tracing.Tracer.class})
  Tracing traceletTracing(Environment environment, TraceletProperties properties, List<SpanReporter> reporters,
      ObjectProvider<Sampler> sampler, ObjectProvider<KeepPolicy> keepPolicy, ObjectProvider<Propagator> propagator,
      ObjectProvider<SpanExportingPredicate> predicates, ObjectProvider<SpanFilter> filters,
      ObjectProvider<io.micrometer.tracing.exporter.SpanReporter> micrometerReporters,
      ObjectProvider<ScopeDecorator> decorators, ObjectProvider<TraceletTracingCustomizer> customizers) {
    BootTracingSettings settings = BootTracingSettings.of(environment);
    TraceletProperties.Queue queue = properties.getQueue();
    Tracing.Builder builder = Tracing.newBuilder()
        .serviceName(environment.getProperty("spring.application.name", "application"))
        .sampler(sampler.getIfAvailable(() -> Sampler.probability(settings.probability)))
        .propagator(propagator.getIfAvailable(() -> BootPropagation.create(settings)))
        .traceId128Bit(!properties.isShortTraceIds())
        .queueCapacity(queue.getCapacity())
        .maxBatchSpans(queue.getMaxBatchSpans())
        .maxBatchDelay(queue.getMaxBatchDelay())
        .closeTimeout(properties.getCloseTimeout());
    KeepPolicy keep = keepPolicy.getIfAvailable(() -> keepPolicy(properties.getKeep()));
    if (keep != null) builder.keepPolicy(keep);
    decorators.orderedStream().forEach(builder::addScopeDecorator);
    SpanReporter reporter = reporter(reporters, predicates, filters, micrometerReporters);
    if (reporter != null) builder.reporter(reporter);
    customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
    return builder.build();
  }

  private static KeepPolicy keepPolicy(TraceletProperties.Keep keep) {
    if (!keep.isActive()) return null;
    KeepPolicy.Builder builder = KeepPolicy.newBuilder()
        .keepWhenDownstreamKept(keep.isDownstream())
        .maxSpansPerLocalTrace(keep.getMaxSpansPerLocalTrace())
        .maxPendingSpans(keep.getMaxPendingSpans());
    if (keep.isErrors()) builder.keepErrors();
    if (keep.getSlowerThan() != null) builder.keepSlowerThan(keep.getSlowerThan());
    return builder.build();
  }

  private static SpanReporter reporter(List<SpanReporter> reporters, ObjectProvider<SpanExportingPredicate> predicates,
      ObjectProvider<SpanFilter> filters, ObjectProvider<io.micrometer.tracing.exporter.SpanReporter> micrometerReporters) {
    SpanReporter delegate = Reporters.of(reporters);
    List<SpanExportingPredicate> p = predicates.orderedStream().collect(Collectors.toList());
    List<SpanFilter> f = filters.orderedStream().collect(Collectors.toList());
    List<io.micrometer.tracing.exporter.SpanReporter> r = micrometerReporters.orderedStream()
        .collect(Collectors.toList());
    if (p.isEmpty() && f.isEmpty() && r.isEmpty()) return delegate;
    return ExportingSpanReporter.create(delegate != null ? delegate : batch -> { }, p, f, r);
  }

  @Bean
  @ConditionalOnMissingBean(io.micrometer.tracing.Tracer.class)
  @ConditionalOnBean(Tracing.class)
  TraceletTracer traceletTracer(Tracing tracing, Environment environment) {
    return TraceletTracer.create(tracing, BootTracingSettings.of(environment).tagFields);
  }

  // Primary: Boot 3.5's Brave configuration defines its BravePropagator unless a BravePropagator exists, so
  // with Brave on the class path there are two, and Boot's handlers must get this one (Boot 4 backs off).
  @Bean
  @Primary
  @ConditionalOnMissingBean(io.micrometer.tracing.propagation.Propagator.class)
  @ConditionalOnBean(TraceletTracer.class)
  TraceletPropagator traceletPropagator(TraceletTracer tracer) {
    return TraceletPropagator.create(tracer);
  }

  @Bean
  @ConditionalOnMissingBean(io.micrometer.tracing.SpanCustomizer.class)
  @ConditionalOnBean(TraceletTracer.class)
  io.micrometer.tracing.SpanCustomizer traceletSpanCustomizer(TraceletTracer tracer) {
    return tracer.currentSpanCustomizer();
  }

  /**
   * Reports to Zipkin over HTTP ({@code management.tracing.export.zipkin.endpoint}, or Boot 3.5's
   * {@code management.zipkin.tracing.endpoint}), through the application's zipkin-reporter
   * {@code BytesMessageSender} bean when there is one (Boot's Zipkin module defines one), or
   * through Kafka ({@code tracelet.zipkin.sender=kafka}). The {@code Tracing} closes it.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({ZipkinReporter.class, BytesMessageSender.class})
  @ConditionalOnMissingBean(Tracing.class)
  @Conditional(OnZipkinExportEnabled.class)
  static class ZipkinReporterConfiguration {
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean(ZipkinReporter.class)
    ZipkinReporter traceletZipkinReporter(Environment environment, TraceletProperties properties,
        List<BytesMessageSender> senders) {
      if (properties.getZipkin().getSender() == TraceletProperties.Zipkin.Sender.KAFKA) {
        String servers = properties.getZipkin().getKafkaBootstrapServers();
        if (servers == null) servers = environment.getProperty("spring.kafka.bootstrap-servers", "localhost:9092");
        return ZipkinReporter.kafka(servers, properties.getZipkin().getKafkaTopic(),
            properties.getZipkin().getKafkaOverrides());
      }
      if (senders.size() == 1) return ZipkinReporter.newBuilder(senders.get(0)).build();
      BootTracingSettings settings = BootTracingSettings.of(environment);
      return ZipkinReporter.newBuilder(JdkHttpSender.newBuilder(settings.zipkinEndpoint)
          .encoding(Encoding.valueOf(settings.zipkinEncoding))
          .connectTimeout(settings.zipkinConnectTimeout)
          .requestTimeout(settings.zipkinReadTimeout)
          .build()).build();
    }
  }

  /** Zipkin export on: Boot 4's {@code management.tracing.export[.zipkin].enabled} or Boot 3.5's names. */
  static final class OnZipkinExportEnabled extends SpringBootCondition {
    @Override public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      boolean enabled = BootTracingSettings.of(context.getEnvironment()).zipkinExportEnabled;
      return new ConditionOutcome(enabled, "Zipkin export " + (enabled ? "enabled" : "disabled"));
    }
  }

  /**
   * Log correlation as Boot sets it up for Brave: the trace and span IDs in the MDC as
   * {@code traceId} and {@code spanId} (which Boot's default log pattern prints), and the baggage
   * fields of {@code management.tracing.baggage.correlation.fields} under their own names.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({MdcScopeDecorator.class, org.slf4j.MDC.class})
  @ConditionalOnProperty(name = {"management.tracing.baggage.enabled", "management.tracing.baggage.correlation.enabled"},
      havingValue = "true", matchIfMissing = true)
  static class LogCorrelationConfiguration {
    @Bean
    @ConditionalOnMissingBean
    MdcScopeDecorator traceletMdcScopeDecorator() {
      return MdcScopeDecorator.create();
    }

    @Bean
    ScopeDecorator traceletBaggageMdcDecorator(Environment environment) {
      List<String> fields = BootTracingSettings.of(environment).correlationFields;
      return fields.isEmpty() ? (context, scope) -> scope : new BaggageMdcDecorator(fields);
    }
  }

  /**
   * Wraps each {@code DataSource} bean with tracelet-jdbc, so that every statement records a
   * CLIENT span in the current trace; {@code tracelet.jdbc.enabled=false} turns it off.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({JdbcTracing.class, DataSource.class})
  @ConditionalOnProperty(prefix = "tracelet.jdbc", name = "enabled", havingValue = "true", matchIfMissing = true)
  static class JdbcConfiguration {
    @Bean
    static BeanPostProcessor traceletDataSourcePostProcessor(ObjectProvider<Tracing> tracing,
        ObjectProvider<TraceletProperties> properties) {
      return new BeanPostProcessor() {
        @Override public Object postProcessAfterInitialization(Object bean, String beanName) {
          if (!(bean instanceof DataSource)) return bean;
          Tracing t = tracing.getIfUnique();
          if (t == null) return bean;
          TraceletProperties p = properties.getIfAvailable(TraceletProperties::new);
          return JdbcTracing.newBuilder(t).keepLiterals(p.getJdbc().isKeepLiterals()).build()
              .dataSource((DataSource) bean);
        }
      };
    }
  }
}
