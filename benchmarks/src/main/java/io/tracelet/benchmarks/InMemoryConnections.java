package io.tracelet.benchmarks;

import java.nio.charset.StandardCharsets;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.io.ConnectionEndpoint;
import org.apache.hc.client5.http.io.HttpClientConnectionManager;
import org.apache.hc.client5.http.io.LeaseRequest;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.impl.io.HttpRequestExecutor;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpResponse;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * An Apache HttpClient 5 connection manager whose one connection answers every request at once with
 * {@code 200 ok}, without a socket: the client's whole exec chain runs (redirect, retry and protocol
 * handling, connection lease and release, the response entity read), and only the network is left
 * out, so that what tracing adds is not lost in a round trip's noise.
 */
final class InMemoryConnections implements HttpClientConnectionManager {
  private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);

  private final ConnectionEndpoint endpoint = new ConnectionEndpoint() {
    @Override public ClassicHttpResponse execute(String id, ClassicHttpRequest request, RequestExecutor executor,
        HttpContext context) {
      return ok();
    }

    @Deprecated
    @Override public ClassicHttpResponse execute(String id, ClassicHttpRequest request, HttpRequestExecutor executor,
        HttpContext context) {
      return ok();
    }

    @Override public boolean isConnected() {
      return true;
    }

    @Override public void setSocketTimeout(Timeout timeout) {
    }

    @Override public void close(CloseMode closeMode) {
    }

    @Override public void close() {
    }
  };

  private static ClassicHttpResponse ok() {
    BasicClassicHttpResponse response = new BasicClassicHttpResponse(200, "OK");
    response.addHeader(HttpHeaders.CONTENT_LENGTH, OK.length);
    response.setEntity(new ByteArrayEntity(OK, ContentType.TEXT_PLAIN));
    return response;
  }

  @Override public LeaseRequest lease(String id, HttpRoute route, Timeout requestTimeout, Object state) {
    return new LeaseRequest() {
      @Override public ConnectionEndpoint get(Timeout timeout) {
        return endpoint;
      }

      @Override public boolean cancel() {
        return false;
      }
    };
  }

  @Override public void release(ConnectionEndpoint released, Object newState, TimeValue validDuration) {
  }

  @Override public void connect(ConnectionEndpoint connecting, TimeValue connectTimeout, HttpContext context) {
  }

  @Override public void upgrade(ConnectionEndpoint upgrading, HttpContext context) {
  }

  @Override public void close(CloseMode closeMode) {
  }

  @Override public void close() {
  }
}
