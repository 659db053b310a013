#!/usr/bin/env bash
# Installs every Debian 12 package runhub needs to build, test, benchmark and run.
# Idempotent and quick when everything is present: apt is only called for what is missing.
# Runs as root, or through sudo when it is available.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build ccache pkg-config make
  # libraries (Boost 1.81 with the compiled JSON and URL parts; never the unversioned
  # libboost-dev, which is 1.74 and conflicts)
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libhiredis-dev libspdlog-dev libfmt-dev libcli11-dev libgtest-dev libgmock-dev
  # the runhub binary's allocator (service/CMakeLists.txt)
  libjemalloc-dev
  # tests and benchmarks: a real redis-server, wrk, curl for the README's examples
  redis-server wrk curl jq ca-certificates
  # the OpenAPI document: YAML -> JSON at build time; the schema test's validator (draft 2020-12)
  python3-yaml python3-jsonschema
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    echo "install-deps: run as root or install sudo (missing: ${missing[*]})" >&2
    exit 1
  fi
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
