package dev.herald.config;

/**
 * This node's identity.
 *
 * @param id the node id, also its Redis consumer name; default empty, which means {@code <host name>-<http port>}
 *           (stable across restarts on the same host and port)
 */
public record NodeConfig(String id) {

  static NodeConfig read(ConfigReader r) {
    String id = r.string("id", "");
    if (!id.matches("[A-Za-z0-9_.:-]{0,128}")) {
      throw r.error("id", "must match [A-Za-z0-9_.:-]{0,128}");
    }
    return new NodeConfig(id);
  }
}
