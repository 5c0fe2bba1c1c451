package io.tracelet.examples.demo;

import io.tracelet.TracingCounters;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's four services, started together in this JVM, each on its own loopback port with its
 * own {@link io.tracelet.Tracing}, talking over real sockets:
 *
 * <pre>
 * web (JDK HttpServer)  --gRPC-->  inventory (Netty)
 * web  --HTTP (JDK HttpClient)-->  orders (servlet in Tomcat)  --Kafka topic "orders"-->  shipping
 * </pre>
 *
 * <p>{@code orders} and {@code shipping} prefer to report through Kafka, {@code web} and
 * {@code inventory} over HTTP; {@link Reporting} decides. Purchases start with a POST to
 * {@link #webUrl()}. {@link #close()} stops every service and delivers their spans.
 */
@SuppressWarnings("try") // close() waits for threads to stop, and may be interrupted
public final class Shop implements AutoCloseable {
  /** The services' names, as their spans carry them, from the front door to the back. */
  public static final List<String> SERVICES =
      List.of(WebService.NAME, InventoryService.NAME, OrdersService.NAME, ShippingService.NAME);

  private final Deque<AutoCloseable> services; // closed last-started first
  private final WebService web;
  private final InventoryService inventory;
  private final OrdersService orders;
  private final ShippingService shipping;
  private final String kafkaBootstrapServers;

  private Shop(Deque<AutoCloseable> services, WebService web, InventoryService inventory, OrdersService orders,
      ShippingService shipping, String kafkaBootstrapServers) {
    this.services = services;
    this.web = web;
    this.inventory = inventory;
    this.orders = orders;
    this.shipping = shipping;
    this.kafkaBootstrapServers = kafkaBootstrapServers;
  }

  /**
   * Starts the services, the consumer first and the front door last: orders go through the Kafka
   * broker at {@code kafkaBootstrapServers}, spans where {@code reporting} says.
   *
   * @throws Exception when a service cannot start; those already started are stopped
   */
  public static Shop start(Reporting reporting, String kafkaBootstrapServers) throws Exception {
    Deque<AutoCloseable> started = new ArrayDeque<>();
    try {
      ShippingService shipping = ShippingService.start(reporting, kafkaBootstrapServers);
      started.push(shipping);
      OrdersService orders = OrdersService.start(reporting, kafkaBootstrapServers);
      started.push(orders);
      InventoryService inventory = InventoryService.start(reporting);
      started.push(inventory);
      WebService web = WebService.start(reporting, inventory.port(), orders.url());
      started.push(web);
      return new Shop(started, web, inventory, orders, shipping, kafkaBootstrapServers);
    } catch (Exception | Error e) {
      closeAll(started, e);
      throw e;
    }
  }

  /** Where purchases start: {@code POST} with the form fields {@code item} and {@code card}. */
  public URI webUrl() {
    return web.url();
  }

  /**
   * Each service's tracing counters, in the order of {@link #SERVICES}: live while the shop is
   * open, final once it is closed.
   */
  public Map<String, TracingCounters> counters() {
    Map<String, TracingCounters> counters = new LinkedHashMap<>();
    counters.put(WebService.NAME, web.counters());
    counters.put(InventoryService.NAME, inventory.counters());
    counters.put(OrdersService.NAME, orders.counters());
    counters.put(ShippingService.NAME, shipping.counters());
    return counters;
  }

  /** Where each service listens, one line per service. */
  public String describe(Reporting reporting) {
    return String.join("\n",
        "  web        POST " + web.url() + ", reports " + reporting.describe(false),
        "  inventory  gRPC 127.0.0.1:" + inventory.port() + ", reports " + reporting.describe(false),
        "  orders     POST " + orders.url() + ", reports " + reporting.describe(true),
        "  shipping   consumes Kafka topic " + OrdersService.TOPIC + " at " + kafkaBootstrapServers
            + ", reports " + reporting.describe(true));
  }

  /**
   * Stops the services, the front door first, and closes their tracing, which delivers the spans
   * still queued. Call it once the purchases have their answers: a request in progress is cut
   * short, and orders still in Kafka when {@code shipping} stops are not shipped.
   */
  @Override public void close() throws Exception {
    closeAll(services, null);
  }

  private static void closeAll(Deque<AutoCloseable> services, Throwable failure) throws Exception {
    Exception first = null;
    for (AutoCloseable service; (service = services.poll()) != null; ) {
      try {
        service.close();
      } catch (Exception e) {
        if (failure != null) {
          failure.addSuppressed(e);
        } else if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) throw first;
  }
}
