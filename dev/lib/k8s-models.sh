# shellcheck shell=bash
# KEDA's schema for the k8s module's test: the npm package @kubernetes-models/keda (validators
# generated from KEDA's Go API types), installed once into .dev/tools/k8s-models; the test runs them
# with node on the rendered ScaledObjects (k8s/src/test/resources/validate-keda.mjs).
#
#   rediacc_k8s_models    exports REDIACC_K8S_MODELS (its node_modules), or fails saying why

REDIACC_K8S_MODELS_NPM_PACKAGE="@kubernetes-models/keda@2.0.0"

rediacc_k8s_models() {
  local dir="$ROOT/.dev/tools/k8s-models"
  if [ ! -f "$dir/node_modules/@kubernetes-models/keda/package.json" ] \
     || ! grep -q "\"version\": \"${REDIACC_K8S_MODELS_NPM_PACKAGE##*@}\"" "$dir/node_modules/@kubernetes-models/keda/package.json"; then
    command -v npm >/dev/null || { echo "error: no npm to fetch $REDIACC_K8S_MODELS_NPM_PACKAGE" >&2; return 1; }
    echo "fetching $REDIACC_K8S_MODELS_NPM_PACKAGE from the npm registry into .dev/tools/k8s-models" >&2
    mkdir -p "$dir"
    (cd "$dir" && npm install --silent --no-audit --no-fund --no-save --prefix . "$REDIACC_K8S_MODELS_NPM_PACKAGE" >&2) \
      || { echo "error: could not fetch $REDIACC_K8S_MODELS_NPM_PACKAGE" >&2; return 1; }
  fi
  export REDIACC_K8S_MODELS="$dir/node_modules"
}
