package dev.herald;

import java.nio.file.Path;

/**
 * The command line: {@code [-conf FILE] [-cluster] [-cluster-host H] [-cluster-port P] [-cluster-public-host H]
 * [-cluster-public-port P] [-cluster-config FILE]}. One or two leading dashes are accepted.
 */
record LaunchArgs(Path conf, boolean cluster, String clusterHost, int clusterPort, String clusterPublicHost,
                  int clusterPublicPort, Path clusterConfig) {

  static final String USAGE = "usage: java -jar herald.jar [-conf FILE] [-cluster] [-cluster-host HOST] "
      + "[-cluster-port PORT] [-cluster-public-host HOST] [-cluster-public-port PORT] [-cluster-config FILE]";

  static LaunchArgs parse(String[] args) {
    Path conf = null;
    Path clusterConfig = null;
    boolean cluster = false;
    String host = null;
    String publicHost = null;
    int port = 0;
    int publicPort = 0;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i].startsWith("--") ? args[i].substring(1) : args[i];
      switch (flag) {
        case "-conf" -> conf = Path.of(value(args, ++i, flag));
        case "-cluster" -> cluster = true;
        case "-cluster-host" -> host = value(args, ++i, flag);
        case "-cluster-port" -> port = port(value(args, ++i, flag), flag);
        case "-cluster-public-host" -> publicHost = value(args, ++i, flag);
        case "-cluster-public-port" -> publicPort = port(value(args, ++i, flag), flag);
        case "-cluster-config" -> clusterConfig = Path.of(value(args, ++i, flag));
        case "-h", "-help" -> throw new IllegalArgumentException(USAGE);
        default -> throw new IllegalArgumentException("unknown argument " + args[i] + "\n" + USAGE);
      }
    }
    return new LaunchArgs(conf, cluster, host, port, publicHost, publicPort, clusterConfig);
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
