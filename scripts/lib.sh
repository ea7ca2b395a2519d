# shellcheck shell=bash
# Helpers shared by scripts/run and scripts/cluster (sourced, not executed).
# Expects the current directory to be the repository root.

# Default JVM options, used when JAVA_OPTS is unset (keep in sync with the Dockerfile):
#   -XX:+UseG1GC -Xms256m -Xmx1g -XX:+UseCompressedOops -XX:+AlwaysPreTouch
#   -XX:MaxDirectMemorySize=512m -Dio.netty.allocator.maxOrder=9
#   --enable-native-access=ALL-UNNAMED   (added only on Java 22+; Java 17 rejects it)
herald_default_java_opts() {
  local opts="-XX:+UseG1GC -Xms256m -Xmx1g -XX:+UseCompressedOops -XX:+AlwaysPreTouch"
  opts+=" -XX:MaxDirectMemorySize=512m -Dio.netty.allocator.maxOrder=9"
  local major
  major=$(java -version 2>&1 | sed -nE '1s/.*version "(1\.)?([0-9]+).*/\2/p')
  if [[ "$major" =~ ^[0-9]+$ ]] && (( major >= 22 )); then
    opts+=" --enable-native-access=ALL-UNNAMED"
  fi
  printf '%s\n' "$opts"
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
