package dev.herald.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Plain sockets for tests that must see exactly what the node writes (status lines, headers, first frames). */
public final class RawHttp {

  private RawHttp() {
  }

  /** A socket to the node on loopback; reads give up after 10 s. */
  public static Socket connect(int port) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(10_000);
    return s;
  }

  /** Sends {@code request} on a new connection: the answer's head and what follows up to the first '}'. */
  public static String answer(int port, String request) throws IOException {
    try (Socket s = connect(port)) {
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      String head = readHead(s.getInputStream());
      return head + readFor(s.getInputStream(), "}");
    }
  }

  /** Reads up to and with the blank line that ends an HTTP head. */
  public static String readHead(InputStream in) throws IOException {
    return readFor(in, "\r\n\r\n");
  }

  /** Reads byte by byte until {@code end} was read or the stream ends (10 s socket timeout). */
  public static String readFor(InputStream in, String end) throws IOException {
    StringBuilder sb = new StringBuilder();
    while (sb.indexOf(end) < 0) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      sb.append((char) b);
    }
    return sb.toString();
  }
}
