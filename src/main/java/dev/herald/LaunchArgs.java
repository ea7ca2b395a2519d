package dev.herald;

import java.nio.file.Path;

/**
 * The command line. One or two leading dashes are accepted. A clustered node uses two TCP ports: the Hazelcast
 * member port (membership, the registration map) and the event-bus port (messages between nodes).
 *
 * @param conf                 {@code -conf FILE}: the Herald configuration
 * @param cluster              {@code -cluster}: join a Hazelcast cluster
 * @param clusterHost          {@code -cluster-host H}: address both ports bind to; null keeps the Hazelcast
 *                             configuration's interfaces and lets Vert.x pick the event-bus host
 * @param clusterPort          {@code -cluster-port P}: Hazelcast member port, no auto-increment; 0 keeps the
 *                             configuration's port
 * @param clusterBusPort       {@code -cluster-bus-port P}: event-bus port; 0 picks a free one
 * @param clusterPublicHost    {@code -cluster-public-host H}: address other nodes reach this one at (NAT,
 *                             containers), for both the member and the event bus; null means the bind address
 * @param clusterPublicPort    {@code -cluster-public-port P}: member port as other nodes reach it; 0 means
 *                             the bind port
 * @param clusterPublicBusPort {@code -cluster-public-bus-port P}: event-bus port as other nodes reach it; 0
 *                             means the bind port
 * @param clusterConfig        {@code -cluster-config FILE}: Hazelcast XML; null means {@code conf/cluster.xml}
 *                             when present, else the one inside the jar
 */
record LaunchArgs(Path conf, boolean cluster, String clusterHost, int clusterPort, int clusterBusPort,
                  String clusterPublicHost, int clusterPublicPort, int clusterPublicBusPort, Path clusterConfig) {

  static final String USAGE = "usage: java -jar herald.jar [-conf FILE] [-cluster] [-cluster-host HOST] "
      + "[-cluster-port MEMBER_PORT] [-cluster-bus-port BUS_PORT] [-cluster-public-host HOST] "
      + "[-cluster-public-port MEMBER_PORT] [-cluster-public-bus-port BUS_PORT] [-cluster-config FILE]";

  static LaunchArgs parse(String[] args) {
    Path conf = null;
    Path clusterConfig = null;
    boolean cluster = false;
    String host = null;
    String publicHost = null;
    int port = 0;
    int publicPort = 0;
    int busPort = 0;
    int publicBusPort = 0;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i].startsWith("--") ? args[i].substring(1) : args[i];
      switch (flag) {
        case "-conf" -> conf = Path.of(value(args, ++i, flag));
        case "-cluster" -> cluster = true;
        case "-cluster-host" -> host = value(args, ++i, flag);
        case "-cluster-port" -> port = port(value(args, ++i, flag), flag);
        case "-cluster-public-host" -> publicHost = value(args, ++i, flag);
        case "-cluster-public-port" -> publicPort = port(value(args, ++i, flag), flag);
        case "-cluster-bus-port" -> busPort = port(value(args, ++i, flag), flag);
        case "-cluster-public-bus-port" -> publicBusPort = port(value(args, ++i, flag), flag);
        case "-cluster-config" -> clusterConfig = Path.of(value(args, ++i, flag));
        case "-h", "-help" -> throw new IllegalArgumentException(USAGE);
        default -> throw new IllegalArgumentException("unknown argument " + args[i] + "\n" + USAGE);
      }
    }
    return new LaunchArgs(conf, cluster, host, port, busPort, publicHost, publicPort, publicBusPort, clusterConfig);
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
    }
    return args[i];
  }

  private static int port(String s, String flag) {
    try {
      int p = Integer.parseInt(s);
      if (p >= 0 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(flag + " must be a port number (0-65535), not " + s);
  }
}
