package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Scrapes of a node's metrics over a real socket: plain HTTP/1.1, and a bounded wait for a node that is silent. */
@Timeout(60)
class NodeScrapesIT {

  private ServerSocket server;
  private final List<String> requestHead = new CopyOnWriteArrayList<>();
  private final List<Socket> accepted = new ArrayList<>();

  @BeforeEach
  void listen() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void close() throws IOException {
    server.close();
    for (Socket s : accepted) {
      s.close();
    }
  }

  @Test
  void asksInPlainHttp11WithoutOfferingAnUpgradeAndReadsTheCounters() throws Exception {
    serve("vertx_eventbus_bytes_written_sum 1234.0\nherald_messages_delivered_total 40.0\n");

    List<NodeScrapes.Sample> samples = scrapes(Duration.ofSeconds(10)).read();

    assertThat(samples).hasSize(1);
    assertThat(samples.get(0).bytesWritten()).isEqualTo(1234);
    assertThat(requestHead.get(0)).isEqualTo("GET /metrics HTTP/1.1");
    assertThat(requestHead).noneMatch(h -> h.toLowerCase().startsWith("upgrade:"))
        .noneMatch(h -> h.toLowerCase().startsWith("http2-settings:"));
  }

  @Test
  void aNodeThatNeverAnswersFailsTheScrapeAfterTheDeadline() throws Exception {
    serve(null);

    assertThatThrownBy(() -> scrapes(Duration.ofMillis(500)).read())
        .isInstanceOf(IOException.class).hasMessageContaining("did not answer within 500 ms");
    assertThat(requestHead).isNotEmpty();
  }

  private NodeScrapes scrapes(Duration deadline) {
    URI url = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/metrics");
    return new NodeScrapes(List.of(url), deadline);
  }

  /** Accepts one connection, records the request head, then answers {@code body} (null: never answers). */
  private void serve(String body) {
    Thread t = new Thread(() -> {
      try {
        Socket s = server.accept();
        accepted.add(s);
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
          requestHead.add(line);
        }
        if (body != null) {
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          OutputStream out = s.getOutputStream();
          out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + bytes.length + "\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
          out.write(bytes);
          out.flush();
        }
      } catch (IOException e) {
        // the server socket closed at the end of the test
      }
    }, "scrape-server");
    t.setDaemon(true);
    t.start();
  }
}
