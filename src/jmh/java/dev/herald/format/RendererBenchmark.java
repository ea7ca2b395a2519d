package dev.herald.format;

import dev.herald.message.Channel;
import dev.herald.message.IngestItem;
import dev.herald.message.Post;
import dev.herald.message.Publish;
import dev.herald.message.RenderedMessage;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link Renderer#render}: a publish (data passed through, body encoded once) and a post (OWASP sanitizing,
 * excerpt, JSON encoding). Run with the {@code bench} Maven profile (see BENCHMARKS.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RendererBenchmark {

  private final Renderer renderer = new Renderer();
  private final IngestItem publish = IngestItem.of("1-0", 0, new Publish(List.of(Channel.parse("bench:1")),
      Publish.DEFAULT_TYPE, "{\"t\":1763776000000000,\"n\":42}", null));
  private final IngestItem post = IngestItem.of("1-0", 0, new Post("p1", "tech", "42", null, "u7", "Ann",
      "<p>Hello <b>world</b>, see <a href=\"https://example.org/x\">this</a> and "
          + "<script>alert(1)</script><img src=x onerror=alert(1)> a longer paragraph of text that goes on for a "
          + "while so that the excerpt has something to cut, with <i>inline</i> markup and a list:</p>"
          + "<ul><li>one</li><li>two</li></ul>", "2026-11-21T10:00:00Z"));

  @Benchmark
  public RenderedMessage renderPublish() {
    return renderer.render(publish);
  }

  @Benchmark
  public RenderedMessage renderPost() {
    return renderer.render(post);
  }
}
