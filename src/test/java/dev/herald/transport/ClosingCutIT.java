package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.metrics.HeraldMetrics;
import dev.herald.metrics.Meters;
import dev.herald.testing.Await;
import dev.herald.testing.Eventually;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.Channel;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.ScheduledFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ClosingCut} on a real loopback connection: a connection still open at the timeout is closed and counted;
 * one that closes first cancels its cut, which would otherwise hold the channel until the timeout.
 */
class ClosingCutIT {

  private Vertx vertx;
  private NetServer server;
  private NetClient client;
  private Promise<Channel> accepted;
  private HeraldMetrics.TransportMeters meters;
  private SimpleMeterRegistry registry;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    registry = new SimpleMeterRegistry();
    meters = new HeraldMetrics(registry).transport(Meters.SOCKJS);
    accepted = Promise.promise();
    server = vertx.createNetServer().connectHandler(s ->
        accepted.tryComplete(((NetSocketInternal) s).channelHandlerContext().channel()));
    Await.of(server.listen(0, "127.0.0.1"));
    client = vertx.createNetClient();
  }

  @AfterEach
  void stop() {
    Await.of(client.close());
    Await.of(server.close());
    Await.of(vertx.close());
  }

  @Test
  void connectionStillOpenAtTheTimeoutIsCutAndCounted() {
    NetSocket socket = Await.of(client.connect(server.actualPort(), "127.0.0.1"));
    Channel channel = Await.of(accepted.future());
    Promise<Void> clientSawClose = Promise.promise();
    socket.closeHandler(v -> clientSawClose.tryComplete());

    ScheduledFuture<?> cut = ClosingCut.schedule(channel, 200, meters);

    Await.of(clientSawClose.future());
    assertThat(channel.isOpen()).isFalse();
    assertThat(cut.isDone()).isTrue();
    assertThat(cut.isCancelled()).isFalse();
    assertThat(cuts()).isEqualTo(1);
  }

  @Test
  void connectionClosedBeforeTheTimeoutCancelsItsCut() {
    NetSocket socket = Await.of(client.connect(server.actualPort(), "127.0.0.1"));
    Channel channel = Await.of(accepted.future());
    ScheduledFuture<?> cut = ClosingCut.schedule(channel, 600_000, meters);
    assertThat(cut.isCancelled()).isFalse();

    Await.of(socket.close());

    Eventually.within(10, () -> assertThat(cut.isCancelled()).as("cut cancelled once the channel closed").isTrue());
    assertThat(channel.isOpen()).isFalse();
    assertThat(cuts()).isZero();
  }

  private double cuts() {
    return registry.get(Meters.CONNECTIONS_CUT).tag(Meters.TRANSPORT, Meters.SOCKJS).counter().count();
  }
}
