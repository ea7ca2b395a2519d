package dev.herald.format;

import dev.herald.message.IngestItem;
import dev.herald.message.Post;
import dev.herald.message.Publish;
import dev.herald.message.RenderedMessage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * Formats an ingest item once into the body every channel and subscriber shares:
 * {@code "type":"<type>","data":<json>}. Posts are sanitized and get a plain-text excerpt; publishes carry their
 * data as the producer gave it. Stateless and thread-safe.
 */
public final class Renderer {

  /** The type of a new post's message. */
  public static final String POST_CREATED = "post.created";

  public RenderedMessage render(IngestItem item) {
    if (item.post() != null) {
      Post p = item.post();
      return new RenderedMessage(p.channels(), POST_CREATED, body(POST_CREATED, postData(p).encode()),
          "post:" + p.id(), item.acceptedAtMillis());
    }
    Publish p = item.publish();
    return new RenderedMessage(p.channels(), p.type(), body(p.type(), p.dataJson()), dedupeKey(item, p),
        item.acceptedAtMillis());
  }

  /**
   * The producer's idempotency key, else the queue entry's id: an entry can be processed twice (its consumer
   * died, or was slow, after the commit and before the ack, and another node took the entry over), and the
   * second commit must then be recognised as the same message, not appended under a new offset.
   */
  private static String dedupeKey(IngestItem item, Publish p) {
    if (p.idempotencyKey() != null) {
      return "publish:" + p.idempotencyKey();
    }
    return item.entryId() == null || item.entryId().isEmpty() ? null : "entry:" + item.entryId();
  }

  private static JsonObject postData(Post p) {
    PostSanitizer.Cleaned cleaned = PostSanitizer.clean(p.messageHtml());
    JsonObject data = new JsonObject().put("id", p.id()).put("forum", p.forum()).put("thread", p.thread());
    if (p.parent() != null) {
      data.put("parent", p.parent());
    }
    return data.put("author", new JsonObject().put("id", p.authorId()).put("name", p.authorName()))
        .put("message", cleaned.html()).put("text", cleaned.excerpt()).put("createdAt", p.createdAt());
  }

  /** The shared body; {@code type} is validated to need no JSON escaping. */
  static Buffer body(String type, String dataJson) {
    return Buffer.buffer(("\"type\":\"" + type + "\",\"data\":" + dataJson).getBytes(StandardCharsets.UTF_8));
  }
}
