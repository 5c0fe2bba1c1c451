package io.tracelet.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DemoOptionsTest {

  @Test void tenRequestsWithHttpAndKafkaReportingByDefault() {
    Demo.Options options = Demo.Options.parse("--zipkin", "http://127.0.0.1:9411/", "--kafka", "127.0.0.1:9092");

    assertThat(options.requests()).isEqualTo(10);
    assertThat(options.zipkinPid()).isNull();
    Reporting reporting = options.reporting();
    assertThat(reporting.zipkinUrl()).isEqualTo("http://127.0.0.1:9411");
    assertThat(reporting.describe(false)).isEqualTo("over HTTP to http://127.0.0.1:9411/api/v2/spans");
    assertThat(reporting.describe(true)).isEqualTo("through Kafka 127.0.0.1:9092 (topic zipkin)");
  }

  @Test void allHttpSendsEveryServiceOverHttp() {
    Demo.Options options = Demo.Options.parse("--requests", "3", "--zipkin", "http://127.0.0.1:9411",
        "--kafka", "127.0.0.1:9092", "--all-http", "--zipkin-pid", "42");

    assertThat(options.requests()).isEqualTo(3);
    assertThat(options.zipkinPid()).isEqualTo(42L);
    assertThat(options.reporting().describe(true)).isEqualTo("over HTTP to http://127.0.0.1:9411/api/v2/spans");
  }

  @Test void badArgumentsSayWhatIsWrong() {
    assertThatThrownBy(() -> Demo.Options.parse("--kafka", "127.0.0.1:9092"))
        .hasMessage("--zipkin URL is required");
    assertThatThrownBy(() -> Demo.Options.parse("--zipkin", "http://127.0.0.1:9411"))
        .hasMessage("--kafka HOST:PORT is required (orders and shipping use it)");
    assertThatThrownBy(() -> Demo.Options.parse("--requests", "0"))
        .hasMessage("--requests must be a positive whole number: 0");
    assertThatThrownBy(() -> Demo.Options.parse("--requests"))
        .hasMessage("--requests needs a value");
    assertThatThrownBy(() -> Demo.Options.parse("--verbose"))
        .hasMessage("unknown argument: --verbose");
  }
}
