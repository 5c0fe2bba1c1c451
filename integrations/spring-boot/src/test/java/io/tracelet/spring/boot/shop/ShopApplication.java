package io.tracelet.spring.boot.shop;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * A plain Spring Boot application, with nothing of Tracelet in its code: a checkout endpoint that
 * asks the inventory endpoint (over HTTP, with {@code RestClient}), which queries the database
 * (JDBC), then sends the order to Kafka, where a listener ships it. Every step logs.
 */
@SpringBootApplication
public class ShopApplication {
  @RestController
  static class Shop {
    private static final Logger log = LoggerFactory.getLogger(Shop.class);
    private final RestClient http;
    private final JdbcTemplate jdbc;
    private final KafkaTemplate<String, String> kafka;
    private final Environment environment;
    private final String topic;

    Shop(RestClient.Builder http, JdbcTemplate jdbc, KafkaTemplate<String, String> kafka, Environment environment,
        @Value("${shop.topic}") String topic) {
      this.http = http.build();
      this.jdbc = jdbc;
      this.kafka = kafka;
      this.environment = environment;
      this.topic = topic;
    }

    @GetMapping("/checkout/{sku}")
    String checkout(@PathVariable("sku") String sku, @RequestParam(name = "card", defaultValue = "visa") String card) throws Exception {
      log.info("checkout {}", sku);
      Integer stock = http.get()
          .uri("http://127.0.0.1:{port}/inventory/{sku}", environment.getProperty("local.server.port"), sku)
          .retrieve()
          .body(Integer.class);
      if (card.equals("declined")) throw new IllegalStateException("card declined for " + sku);
      kafka.send(topic, sku, sku).get(30, TimeUnit.SECONDS);
      return "ordered " + sku + ", " + stock + " in stock";
    }

    @GetMapping("/inventory/{sku}")
    int inventory(@PathVariable("sku") String sku) {
      Integer stock = jdbc.queryForObject("SELECT COUNT(*) FROM inventory WHERE sku = ?", Integer.class, sku);
      log.info("stock of {}: {}", sku, stock);
      return stock;
    }
  }

  @Component
  public static class Shipping {
    private static final Logger log = LoggerFactory.getLogger(Shipping.class);
    private final BlockingQueue<String> shipped = new LinkedBlockingQueue<>();

    @KafkaListener(topics = "${shop.topic}", groupId = "${shop.group}")
    void ship(String sku) {
      log.info("shipping {}", sku);
      shipped.add(sku);
    }

    /** The next SKU shipped, or null after {@code seconds}. */
    public String awaitShipped(long seconds) throws InterruptedException {
      return shipped.poll(seconds, TimeUnit.SECONDS);
    }
  }
}
