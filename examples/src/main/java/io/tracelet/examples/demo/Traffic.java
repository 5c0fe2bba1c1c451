package io.tracelet.examples.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The purchases the demo makes, and a customer that makes them one after another. In each round
 * of five, the second purchase is slow (the item is in the far warehouse) and the third fails (the
 * card is declined), so three requests already show every case. The customer is not traced:
 * {@code web} starts each trace and names it in a response header.
 */
public final class Traffic {
  private static final String CARD = "4242424242424242";
  private static final String OTHER_CARD = "5555555555554444";
  private static final List<Purchase> ROUND = List.of(
      new Purchase("book", CARD, Case.PLAIN),
      new Purchase("piano", CARD, Case.SLOW),
      new Purchase("lamp", OrdersService.DECLINED_CARD, Case.DECLINED),
      new Purchase("mug", OTHER_CARD, Case.PLAIN),
      new Purchase("book", OTHER_CARD, Case.PLAIN));
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private Traffic() {
  }

  /** What a purchase shows in its trace. */
  public enum Case {
    /** Every service, quickly. */
    PLAIN("ok"),
    /** Every service, and a slow reservation at {@code inventory}. */
    SLOW("slow: piano is in the far warehouse"),
    /** The card is declined at {@code orders}: error spans, nothing shipped, 402. */
    DECLINED("fails: card declined");

    private final String description;

    Case(String description) {
      this.description = description;
    }

    @Override public String toString() {
      return description;
    }
  }

  /** One purchase: an item, the card that pays for it, and what its trace shows. */
  public record Purchase(String item, String card, Case shows) {
    /** The status {@code web} answers with. */
    public int expectedStatus() {
      return shows == Case.DECLINED ? 402 : 200;
    }

    /** The services the purchase's trace goes through. */
    public Set<String> services() {
      return shows == Case.DECLINED
          ? Set.of(WebService.NAME, InventoryService.NAME, OrdersService.NAME)
          : Set.copyOf(Shop.SERVICES);
    }

    /**
     * The services whose part of this purchase's trace a keep policy keeps when head sampling said
     * no: the one that failed or was slow, and every caller above it (each saw the failure or the
     * wait itself, and was told by the {@code server-timing} answer). Parts that had finished fine
     * before ({@code inventory} for a declined card) or after ({@code orders} for a slow one), and
     * {@code shipping}, which answers nobody, are not kept; a plain purchase keeps none.
     */
    public Set<String> keptServices() {
      return switch (shows) {
        case PLAIN -> Set.of();
        case SLOW -> Set.of(WebService.NAME, InventoryService.NAME);
        case DECLINED -> Set.of(WebService.NAME, OrdersService.NAME);
      };
    }
  }

  /** What {@code web} answered to a purchase, and which trace recorded it. */
  public record Result(int number, Purchase purchase, int status, String body, String traceId, Duration took) {
  }

  /** {@code count} purchases: the round of five, repeated. */
  public static List<Purchase> plan(int count) {
    List<Purchase> plan = new ArrayList<>(count);
    for (int i = 0; i < count; i++) plan.add(ROUND.get(i % ROUND.size()));
    return plan;
  }

  /**
   * Makes each purchase at {@code checkoutUrl} in turn, handing each result to {@code onResult} as
   * soon as it is in.
   *
   * @throws UncheckedIOException when {@code web} cannot be reached
   * @throws IllegalStateException when it answers without a trace ID
   */
  public static List<Result> run(URI checkoutUrl, List<Purchase> purchases, Consumer<Result> onResult) {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<Result> results = new ArrayList<>();
    for (Purchase purchase : purchases) {
      Result result = buy(client, checkoutUrl, results.size() + 1, purchase);
      results.add(result);
      onResult.accept(result);
    }
    return results;
  }

  private static Result buy(HttpClient client, URI checkoutUrl, int number, Purchase purchase) {
    HttpRequest request = HttpRequest.newBuilder(checkoutUrl)
        .timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(Http.form(Map.of("item", purchase.item(), "card", purchase.card()))))
        .build();
    long start = System.nanoTime();
    HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("purchase " + number + " failed: POST " + checkoutUrl, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during purchase " + number, e);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    String traceId = response.headers().firstValue(WebService.TRACE_ID_HEADER).orElseThrow(() ->
        new IllegalStateException("web answered purchase " + number + " without " + WebService.TRACE_ID_HEADER));
    return new Result(number, purchase, response.statusCode(), response.body().strip(), traceId, took);
  }
}
