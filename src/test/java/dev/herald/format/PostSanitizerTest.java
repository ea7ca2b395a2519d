package dev.herald.format;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PostSanitizerTest {

  /** The one-pass HTML must be exactly what the library's own sanitize makes of the same input. */
  @ParameterizedTest
  @ValueSource(strings = {
      "<p>Hello <b>world</b></p>",
      "<script>alert(1)</script>text",
      "<a href=\"javascript:alert(1)\">x</a><a href=\"https://ok.test/a?b=1&c=2\" onclick=\"x()\">ok</a>",
      "<img src=x onerror=alert(1)><i>it</i>",
      "<p>unclosed <b>bold <i>both</p> after",
      "a &amp; b &lt;c&gt; &quot;d&quot; &#x27;e&#39; &nbsp;f",
      "<!-- comment --><style>p{}</style><iframe src=//evil></iframe>",
      "<pre>  code\n  kept  </pre><blockquote>q</blockquote><ul><li>1</li><li>2</li></ul>",
      "<div><h1>Title</h1><br>line<br/>line</div>",
      "emoji \uD83D\uDE00 and \u00e9\u00e8 and <u>under</u> <s>strike</s> <code>x&lt;y</code>",
      "<a href=\"mailto:a@b.test\">mail</a><a href=\"/relative\">rel</a>",
      "</p></b>stray closers<b",
      ""})
  void htmlIsTheLibrarysOwn(String input) {
    assertThat(PostSanitizer.clean(input).html()).isEqualTo(PostSanitizer.policy().sanitize(input));
  }

  @ParameterizedTest
  @ValueSource(strings = {"<p>one</p><p>two</p>", "one<br>two", "<ul><li>one</li><li>two</li></ul>"})
  void blocksSeparateWordsInTheExcerpt(String input) {
    assertThat(PostSanitizer.clean(input).excerpt()).isEqualTo("one two");
  }

  @ParameterizedTest
  @ValueSource(strings = {"<script>gone()</script>kept", "<style>p{}</style>kept", "<b onclick=\"x\">kept</b>"})
  void removedContentIsNotInTheExcerpt(String input) {
    assertThat(PostSanitizer.clean(input).excerpt()).isEqualTo("kept");
  }
}
