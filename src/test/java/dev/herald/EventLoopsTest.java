package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.config.NodeConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code node.eventLoops} sizes the Vert.x the node runs on, whatever Vert.x's own default. */
class EventLoopsTest {

  @Test
  void theNodesVertxRunsTheConfiguredEventLoops() throws Exception {
    assertThat(loopsOf(new NodeConfig("", NodeConfig.NIO, 3, 0, 0))).isEqualTo(3);
  }

  @Test
  void vertxsOwnDefaultWhenUnset() throws Exception {
    // Vert.x's two per core, counted from the CPU mask as Vert.x counts them (not the JVM's processor count).
    assertThat(loopsOf(new NodeConfig("", NodeConfig.NIO, 0, 0, 0)))
        .isEqualTo(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE);
  }

  private static int loopsOf(NodeConfig node) throws Exception {
    Vertx vertx = HeraldMain.startVertx(LaunchArgs.parse(new String[0]), node).await(30, TimeUnit.SECONDS);
    try {
      int n = 0;
      for (Object loop : ((VertxInternal) vertx).nettyEventLoopGroup()) {
        n++;
      }
      return n;
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}
