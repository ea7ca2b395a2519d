# shellcheck shell=bash
# Helpers shared by scripts/run, scripts/test, scripts/cluster, scripts/bench and scripts/bench-redis-commit (sourced,
# not executed).
# Expects the current directory to be the repository root.

# Default JVM options, used when JAVA_OPTS is unset (keep in sync with the Dockerfile):
#   -XX:+UseG1GC -Xms1g -Xmx1g -XX:+UseCompressedOops -XX:+AlwaysPreTouch -XX:+UseTransparentHugePages
#   -XX:MaxDirectMemorySize=512m -Dio.netty.allocator.maxOrder=9
#   -XX:-G1UseAdaptiveConcRefinement -XX:G1ConcRefinementGreenZone=1000000
#   -XX:G1ConcRefinementYellowZone=2000000 -XX:G1ConcRefinementRedZone=3000000
#                                        (Java 17-19 only: Java 20 replaced this refinement; Java 25 rejects the flags)
#   --enable-native-access=ALL-UNNAMED   (added only on Java 22+; Java 17 rejects it)
#   -XX:+UseCompactObjectHeaders         (added only on Java 25+: 8-byte object headers, 8 % less heap per idle
#                                        connection, same CPU per delivery; BENCHMARKS.md, "JVM settings")
# -Xms equal to -Xmx: G1 grows a smaller heap inside a young pause, and with -XX:+AlwaysPreTouch it touches the new
# regions there: in a connect storm such a pause took 0.3-1.2 s instead of 0.1-0.2 s (BENCHMARKS.md, "Connect
# storm: heap growth inside pauses"). The heap is touched once at start instead (~1.2 s, 1.1 GB resident).
# Huge pages (THP, madvise mode) for the heap: on the benchmark VM the kernel's memory monitor (kdamond) then ran
# half as long during a light-load step, and light load's p99 halved (BENCHMARKS.md, "Light load's tail: thread
# hand-offs, and the VM's memory monitor").
# The refinement flags leave G1's dirty cards to the young pauses: a fan-out stores a new frame into every
# socket's long-lived outbound buffer, and refining those cards concurrently took 15 % of the node's CPU
# (BENCHMARKS.md, "JVM settings").
herald_default_java_opts() {
  local opts="-XX:+UseG1GC -Xms1g -Xmx1g -XX:+UseCompressedOops -XX:+AlwaysPreTouch -XX:+UseTransparentHugePages"
  opts+=" -XX:MaxDirectMemorySize=512m -Dio.netty.allocator.maxOrder=9"
  local major
  major=$(java -version 2>&1 | sed -nE '1s/.*version "(1\.)?([0-9]+).*/\2/p')
  if [[ "$major" =~ ^[0-9]+$ ]] && (( major < 20 )); then
    opts+=" -XX:-G1UseAdaptiveConcRefinement -XX:G1ConcRefinementGreenZone=1000000"
    opts+=" -XX:G1ConcRefinementYellowZone=2000000 -XX:G1ConcRefinementRedZone=3000000"
  fi
  if [[ "$major" =~ ^[0-9]+$ ]] && (( major >= 22 )); then
    opts+=" --enable-native-access=ALL-UNNAMED"
  fi
  if [[ "$major" =~ ^[0-9]+$ ]] && (( major >= 25 )); then
    opts+=" -XX:+UseCompactObjectHeaders"
  fi
  printf '%s\n' "$opts"
}

herald_is_root() { [[ "$(id -u)" == 0 ]]; }

# Installs Debian packages with apt-get (its index refreshed once per script), quietly.
herald_apt_install() { # package...
  if [[ -z "${herald_apt_updated:-}" ]]; then
    apt-get update -qq
    herald_apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" > /dev/null
}

# Makes sure each command:package pair's command exists: as root the packages of the missing ones are installed
# with apt-get, otherwise it fails naming them, so a script stops before its work rather than in the middle of it.
herald_require_commands() { # command:package...
  local pair missing=()
  for pair in "$@"; do
    if ! command -v "${pair%%:*}" > /dev/null 2>&1 && [[ " ${missing[*]} " != *" ${pair#*:} "* ]]; then
      missing+=("${pair#*:}")
    fi
  done
  if ((${#missing[@]} == 0)); then
    return 0
  fi
  if ! herald_is_root; then
    echo "error: missing ${missing[*]}; install (Debian/Ubuntu): sudo apt-get install ${missing[*]}" >&2
    return 1
  fi
  echo "installing ${missing[*]} with apt-get ..." >&2
  herald_apt_install "${missing[@]}"
}

# Builds target/herald.jar when it is missing or older than pom.xml or any file under src/.
herald_build_jar() {
  if [[ ! -f target/herald.jar ]] || [[ -n "$(find src pom.xml -newer target/herald.jar -print -quit)" ]]; then
    echo "building target/herald.jar ..." >&2
    mvn -B -q -DskipTests package
  fi
}

# Raises the soft open-files limit to the hard limit and reports it.
herald_raise_nofile() {
  local hard
  hard=$(ulimit -Hn)
  if ! ulimit -n "$hard" 2>/dev/null; then
    echo "warning: could not raise ulimit -n to $hard" >&2
  fi
  echo "open files limit (ulimit -n): $(ulimit -n)" >&2
  if [[ "$hard" != unlimited ]] && (( hard < 20000 )); then
    echo "warning: hard open-files limit is $hard; it caps the connections a node can hold" >&2
  fi
}

# Writes the Hazelcast config of a cluster whose members all run on 127.0.0.1 to <file>: conf/cluster.xml with its
# single-line <member> elements removed, the <!--MEMBERS--> marker replaced by one <member>127.0.0.1:PORT</member>
# per given port (a single member probes only three ports and a port range crashes Hazelcast 5.3.8, so every member
# is listed), and its <cluster-name> replaced. Without conf/cluster.xml, the same settings are written in full.
# Usage: herald_cluster_xml <file> <cluster-name> <member-port>...
herald_cluster_xml() {
  local xml=$1 name=$2 members="" port
  shift 2
  for port in "$@"; do
    members+="        <member>127.0.0.1:$port</member>"$'\n'
  done
  if [[ -f conf/cluster.xml ]]; then
    if ! grep -q '<!--MEMBERS-->' conf/cluster.xml; then
      echo "error: conf/cluster.xml has no <!--MEMBERS--> marker" >&2
      return 1
    fi
    MEMBERS="$members" NAME="$name" awk '
      /^[[:space:]]*<member>[^<]*<\/member>[[:space:]]*$/ { next }
      /<!--MEMBERS-->/ { printf "%s", ENVIRON["MEMBERS"]; next }
      /<cluster-name>[^<]*<\/cluster-name>/ {
        sub(/<cluster-name>[^<]*<\/cluster-name>/, "<cluster-name>" ENVIRON["NAME"] "</cluster-name>")
      }
      { print }
    ' conf/cluster.xml > "$xml"
    return 0
  fi
  cat > "$xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<hazelcast xmlns="http://www.hazelcast.com/schema/config"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
           xsi:schemaLocation="http://www.hazelcast.com/schema/config
           https://www.hazelcast.com/schema/config/hazelcast-config-5.3.xsd">
  <cluster-name>${name}</cluster-name>
  <properties>
    <property name="hazelcast.phone.home.enabled">false</property>
    <property name="hazelcast.socket.bind.any">false</property>
    <property name="hazelcast.max.no.heartbeat.seconds">5</property>
    <property name="hazelcast.heartbeat.interval.seconds">1</property>
    <property name="hazelcast.merge.first.run.delay.seconds">5</property>
    <property name="hazelcast.wait.seconds.before.join">0</property>
  </properties>
  <network>
    <port auto-increment="true">5701</port>
    <join>
      <auto-detection enabled="false"/>
      <multicast enabled="false"/>
      <tcp-ip enabled="true">
${members}      </tcp-ip>
    </join>
  </network>
  <multimap name="__vertx.subs">
    <backup-count>1</backup-count>
    <value-collection-type>SET</value-collection-type>
  </multimap>
  <map name="__vertx.haInfo">
    <backup-count>1</backup-count>
  </map>
  <map name="__vertx.nodeInfo">
    <backup-count>1</backup-count>
  </map>
</hazelcast>
XML
}

# Event loops for each of <nodes> Herald nodes sharing this machine's cores: prints "<event loops> <HTTP loops>",
# cores/nodes HTTP loops (at least one) and twice that in all. Prints nothing for one node (its defaults, two loops
# and one HTTP loop per core, fit a machine of its own) and when HERALD_NODE_EVENT_LOOPS or HERALD_HTTP_INSTANCES is
# set (the user's choice wins; the nodes take their defaults for the other). A node sizes its loops by the cores it
# sees, so three nodes on two cores ran twelve loops; two each sustained more in most pairs, at a higher p99 below
# the knee (BENCHMARKS.md, "Nodes that share a machine"; measured only for three nodes on two cores).
herald_node_share() { # nodes
  local cores http
  (( $1 > 1 )) || return 0
  [[ -z "${HERALD_NODE_EVENT_LOOPS:-}" && -z "${HERALD_HTTP_INSTANCES:-}" ]] || return 0
  cores=$(nproc)
  http=$(( cores / $1 ))
  (( http >= 1 )) || http=1
  printf '%s %s\n' "$(( 2 * http ))" "$http"
}

# A loopback TCP port that is free now (the caller binds it soon after; nothing else here takes ports).
herald_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
