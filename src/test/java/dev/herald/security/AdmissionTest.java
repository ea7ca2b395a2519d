package dev.herald.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.config.LimitsConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AdmissionTest {

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);

  private static LimitsConfig limits(int perIp, int perSecond) {
    return new LimitsConfig(65_536, 100, 100, 10, perIp, perSecond);
  }

  @Test
  void admitsOneSecondsBudgetAtOnceThenRefusesWithGrowingDelays() {
    Admission a = new Admission(limits(0, 100), clock::get);
    for (int i = 0; i < 100; i++) {
      assertThat(a.admit("1.1.1.1")).isInstanceOf(Admission.Ticket.class);
    }
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      Admission.Result r = a.admit("1.1.1.1");
      assertThat(r).isInstanceOf(Admission.Overloaded.class);
      delays.add(((Admission.Overloaded) r).retryAfterMs());
    }
    assertThat(delays).allMatch(d -> d >= 1 && d <= Admission.MAX_RETRY_AFTER_MS);
    // The backlog spreads the storm: the last refused wait about 4 s (400 at 100/s), the first well under 1 s.
    assertThat(delays.get(0)).isLessThan(1000);
    assertThat(delays.get(399)).isBetween(4000L, 6500L);
  }

  @Test
  void budgetRefillsAtTheConfiguredRate() {
    Admission a = new Admission(limits(0, 10), clock::get);
    for (int i = 0; i < 10; i++) {
      a.admit("x");
    }
    assertThat(a.admit("x")).isInstanceOf(Admission.Overloaded.class);
    clock.addAndGet(100_000_000L);
    assertThat(a.admit("x")).isInstanceOf(Admission.Ticket.class);
    assertThat(a.admit("x")).isInstanceOf(Admission.Overloaded.class);
  }

  @Test
  void connectionsPerAddressAreCappedAndReleased() {
    Admission a = new Admission(limits(2, 1000), clock::get);
    Admission.Ticket t1 = (Admission.Ticket) a.admit("9.9.9.9");
    a.admit("9.9.9.9");
    assertThat(a.admit("9.9.9.9")).isEqualTo(new Admission.TooManyFromAddress(2));
    assertThat(a.admit("8.8.8.8")).isInstanceOf(Admission.Ticket.class);
    t1.release();
    t1.release();
    assertThat(a.openFrom("9.9.9.9")).isEqualTo(1);
    assertThat(a.admit("9.9.9.9")).isInstanceOf(Admission.Ticket.class);
  }

  @Test
  void overloadedRefusalDoesNotHoldAnAddressSlot() {
    Admission a = new Admission(limits(5, 1), clock::get);
    a.admit("7.7.7.7");
    assertThat(a.admit("7.7.7.7")).isInstanceOf(Admission.Overloaded.class);
    assertThat(a.openFrom("7.7.7.7")).isEqualTo(1);
  }
}
