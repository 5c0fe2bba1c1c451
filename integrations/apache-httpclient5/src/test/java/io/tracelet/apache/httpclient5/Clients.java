package io.tracelet.apache.httpclient5;

import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.DefaultHttpRequestRetryStrategy;
import org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Builders as a service would configure them, for tests: redirects and retries on (the library's
 * defaults), but a retry waits 1 ms, not a second, and nothing waits longer than 10 seconds.
 */
final class Clients {
  static final Timeout TIMEOUT = Timeout.of(10, TimeUnit.SECONDS);

  private Clients() {
  }

  static DefaultHttpRequestRetryStrategy retries() {
    return new DefaultHttpRequestRetryStrategy(1, TimeValue.ofMilliseconds(1));
  }

  static HttpClientBuilder classicBuilder() {
    return HttpClients.custom()
        .setRetryStrategy(retries())
        .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(TIMEOUT).build())
        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
            .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(TIMEOUT).build())
            .build());
  }

  static HttpAsyncClientBuilder asyncBuilder() {
    return HttpAsyncClients.custom()
        .setRetryStrategy(retries())
        .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(TIMEOUT).build())
        .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
            .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(TIMEOUT).build())
            .build());
  }
}
