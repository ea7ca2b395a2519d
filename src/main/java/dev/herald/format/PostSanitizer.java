package dev.herald.format;

import java.util.Set;
import org.owasp.html.HtmlPolicyBuilder;
import org.owasp.html.HtmlSanitizer;
import org.owasp.html.PolicyFactory;
import org.owasp.html.Sanitizers;
import java.util.List;

/**
 * Cleans a post's HTML with the OWASP java-html-sanitizer: basic formatting, blocks and links survive (links get
 * {@code rel="nofollow"}); scripts, event handlers, styles and everything else are removed. Also derives the plain
 * text excerpt. Thread-safe.
 */
public final class PostSanitizer {

  /** Longest excerpt, in characters. */
  public static final int EXCERPT_CHARS = 280;

  private static final PolicyFactory POLICY = Sanitizers.FORMATTING.and(Sanitizers.BLOCKS)
      .and(new HtmlPolicyBuilder().allowElements("a", "br", "code", "pre").allowStandardUrlProtocols()
          .allowAttributes("href").onElements("a").requireRelsOnLinks("nofollow").toFactory());

  private static final Set<String> BREAKS = Set.of("p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5",
      "h6", "blockquote", "pre");

  private PostSanitizer() {
  }

  public static String sanitize(String html) {
    return POLICY.sanitize(html);
  }

  /**
   * The text of already sanitized HTML, whitespace collapsed, cut to {@link #EXCERPT_CHARS} characters (an
   * ellipsis marks a cut).
   */
  public static String excerpt(String sanitizedHtml) {
    StringBuilder sb = new StringBuilder();
    HtmlSanitizer.sanitize(sanitizedHtml, new HtmlSanitizer.Policy() {
      @Override
      public void openDocument() {
      }

      @Override
      public void closeDocument() {
      }

      @Override
      public void openTag(String name, List<String> attrs) {
        if (BREAKS.contains(name)) {
          sb.append(' ');
        }
      }

      @Override
      public void closeTag(String name) {
        if (BREAKS.contains(name)) {
          sb.append(' ');
        }
      }

      @Override
      public void text(String text) {
        sb.append(text);
      }
    });
    String text = sb.toString().replaceAll("\\s+", " ").strip();
    if (text.codePointCount(0, text.length()) <= EXCERPT_CHARS) {
      return text;
    }
    int end = text.offsetByCodePoints(0, EXCERPT_CHARS - 1);
    return text.substring(0, end).stripTrailing() + "…";
  }
}
