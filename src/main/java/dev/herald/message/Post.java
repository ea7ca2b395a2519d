package dev.herald.message;

import java.util.List;

/**
 * A new comment as a producer wrote it to the ingest stream, before sanitizing.
 * {@code parent} is null for a top-level post.
 */
public record Post(String id, String forum, String thread, String parent, String authorId, String authorName,
                   String messageHtml, String createdAt) {

  /** The four channels every post is delivered to. */
  public List<Channel> channels() {
    return List.of(new Channel("forum", forum), new Channel("thread", thread), new Channel("user", authorId),
        new Channel("post", id));
  }
}
