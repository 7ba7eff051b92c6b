# Sourced by ./javelin and ./mvnw: exports JAVA_HOME pointing at a JDK >= 25, or exits with advice.
javelin_jdk_major() { # prints the feature version of the JDK at $1, or nothing
  local rel="$1/release"
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] && [ -f "$rel" ] || return 0
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel"
}
javelin_find_jdk() {
  local want=25 cand major
  for cand in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$cand" ] || continue
    major=$(javelin_jdk_major "$cand")
    if [ -n "$major" ] && [ "$major" -ge "$want" ]; then
      export JAVA_HOME="$cand"
      return 0
    fi
  done
  cat >&2 <<MSG
javelin: no JDK $want or newer found (looked at JAVA_HOME='${JAVA_HOME:-}' and /usr/lib/jvm/*).
Javelin uses the Vector API and FFM of JDK $want. Install one, e.g. on Debian/Ubuntu with the Adoptium
repository: apt-get install temurin-25-jdk, or download it from https://adoptium.net, then set JAVA_HOME.
MSG
  exit 1
}
javelin_find_jdk
