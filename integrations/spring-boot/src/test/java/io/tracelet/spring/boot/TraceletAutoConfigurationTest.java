package io.tracelet.spring.boot;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.exporter.SpanFilter;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import io.tracelet.Sampler;
import io.tracelet.Tracing;
import io.tracelet.micrometer.tracing.TraceletPropagator;
import io.tracelet.micrometer.tracing.TraceletTracer;
import io.tracelet.testing.InMemoryReporter;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.NoopTracerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class TraceletAutoConfigurationTest {
  final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(TraceletAutoConfiguration.class,
          MicrometerTracingAutoConfiguration.class, NoopTracerAutoConfiguration.class));

  @Configuration(proxyBeanMethods = false)
  static class Reporting {
    @Bean InMemoryReporter reporter() {
      return new InMemoryReporter();
    }
  }

  @Test void definesTracingTracerAndPropagator_andBootsHandlersUseThem() {
    runner.withUserConfiguration(Reporting.class)
        .withPropertyValues("spring.application.name=checkout", "management.tracing.sampling.probability=1.0")
        .run(context -> {
          assertThat(context).hasSingleBean(Tracing.class).hasSingleBean(TraceletTracer.class)
              .hasSingleBean(TraceletPropagator.class).hasSingleBean(Tracer.class).hasSingleBean(Propagator.class);
          assertThat(context.getBean(Tracing.class).serviceName()).isEqualTo("checkout");
          assertThat(context.getBean(DefaultTracingObservationHandler.class).getTracer())
              .isSameAs(context.getBean(TraceletTracer.class));

          ObservationRegistry registry = ObservationRegistry.create();
          registry.observationConfig().observationHandler(context.getBean(DefaultTracingObservationHandler.class));
          Observation.createNotStarted("charge", registry).lowCardinalityKeyValue("card", "visa").observe(() -> { });
          Tracing tracing = context.getBean(Tracing.class);
          tracing.flush();
          assertThat(context.getBean(InMemoryReporter.class).spans()).singleElement()
              .satisfies(s -> assertThat(s).hasName("charge").hasTag("card", "visa").hasLocalServiceName("checkout"));

          Map<String, String> carrier = new HashMap<>();
          Span span = context.getBean(Tracer.class).nextSpan().start();
          context.getBean(Propagator.class).inject(span.context(), carrier, Map::put);
          assertThat(carrier).containsKeys("traceparent", "x-b3-traceid");
        });
  }

  @Test void samplingProbabilityZero_recordsNothing() {
    runner.withPropertyValues("management.tracing.sampling.probability=0")
        .run(context -> assertThat(context.getBean(Tracer.class).nextSpan().isNoop()).isTrue());
  }

  @Test void samplingProbabilityOne_recordsEverything() {
    runner.withPropertyValues("management.tracing.sampling.probability=1")
        .run(context -> {
          for (int i = 0; i < 100; i++) assertThat(context.getBean(Tracer.class).nextSpan().isNoop()).isFalse();
        });
  }

  @Test void closesTracingWithTheContext() {
    Tracing[] tracing = new Tracing[1];
    runner.withUserConfiguration(Reporting.class).withPropertyValues("management.tracing.sampling.probability=1")
        .run(context -> tracing[0] = context.getBean(Tracing.class));
    assertThat(tracing[0].counters().spansAccepted()).isZero();
    tracing[0].tracer().spanBuilder("after close").start().finish();
    assertThat(tracing[0].counters().spansDroppedAfterClose()).isEqualTo(1);
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnTracing {
    @Bean Tracing myTracing() {
      return Tracing.newBuilder().serviceName("mine").sampler(Sampler.always()).build();
    }
  }

  @Test void backsOff_forTheApplicationsTracing() {
    runner.withUserConfiguration(OwnTracing.class).run(context -> {
      assertThat(context).hasSingleBean(Tracing.class);
      assertThat(context.getBean(Tracing.class).serviceName()).isEqualTo("mine");
      assertThat(context.getBean(TraceletTracer.class).nextSpan().isNoop()).as("built on the application's Tracing")
          .isFalse();
    });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnTracer {
    @Bean Tracer myTracer() {
      return Tracer.NOOP;
    }
  }

  @Test void backsOff_forTheApplicationsTracer_andThenDefinesNoPropagator() {
    runner.withUserConfiguration(OwnTracer.class).run(context -> {
      assertThat(context).hasSingleBean(Tracer.class).doesNotHaveBean(TraceletTracer.class)
          .doesNotHaveBean(TraceletPropagator.class);
      assertThat(context.getBean(Tracer.class)).isSameAs(Tracer.NOOP);
    });
  }

  @Configuration(proxyBeanMethods = false)
  static class Filtering {
    @Bean InMemoryReporter reporter() {
      return new InMemoryReporter();
    }

    @Bean SpanFilter rename() {
      return span -> span.setName("filtered " + span.getName());
    }
  }

  @Test void spanFilterBeans_runBeforeTheReporter() {
    runner.withUserConfiguration(Filtering.class).withPropertyValues("management.tracing.sampling.probability=1")
        .run(context -> {
          context.getBean(Tracer.class).nextSpan().name("op").start().end();
          context.getBean(Tracing.class).flush();
          assertThat(context.getBean(InMemoryReporter.class).spans()).singleElement()
              .satisfies(s -> assertThat(s).hasName("filtered op"));
        });
  }
}
