# shellcheck shell=bash
# The container images' definition and build steps (dev/images; the image smoke test ImageSmokeIT
# reads the same archives). Needs root for mmdebstrap's chroot (or run ./dev/images under unshare).
#
#   REDIACC_IMAGE_SERVICES            the modules that become images
#   rediacc_images_tools              installs mmdebstrap and umoci with apt-get when missing
#   rediacc_images_packaged           0 if every service has its target/quarkus-app
#   rediacc_images_base               prints the cached base image's OCI layout, building it once
#   rediacc_images_service BASE SVC   writes SVC/target/image/SVC.oci.tar, prints its digest
#   rediacc_images_pin KUSTOMIZATION DIGESTS  sets the images' digests in an overlay

REDIACC_IMAGE_SERVICES=(queue-service bridge-service vault-service)

# The base image's definition: everything its cache key covers.
REDIACC_IMAGE_SUITE=trixie
REDIACC_IMAGE_MIRROR=http://deb.debian.org/debian
REDIACC_IMAGE_PACKAGES=openjdk-21-jre-headless
REDIACC_IMAGE_JAVA=/usr/lib/jvm/java-21-openjdk-amd64/bin/java
# Essential packages mmdebstrap installs to run the packages' maintainer scripts, which the JVM
# never runs: their files are removed from the image (and from dpkg's status), which leaves no shell.
REDIACC_IMAGE_UNUSED="bash bsdutils coreutils dash debconf debianutils diffutils dpkg findutils grep gzip
 hostname init-system-helpers libpam-modules-bin libpam-runtime mawk ncurses-bin perl-base sed
 sysvinit-utils tar util-linux"
# The user the services run as; k8s/base's securityContext names the same ids.
REDIACC_IMAGE_UID=185
# Bump when the steps below change what the base holds.
REDIACC_IMAGE_BASE_FORMAT=1

rediacc_images_tools() {
  local need=()
  command -v mmdebstrap >/dev/null || need+=(mmdebstrap)
  command -v umoci >/dev/null || need+=(umoci)
  if [ "${#need[@]}" -gt 0 ]; then
    echo "images: installing ${need[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
  fi
}

rediacc_images_packaged() {
  local service
  for service in "${REDIACC_IMAGE_SERVICES[@]}"; do
    [ -f "$service/target/quarkus-app/quarkus-run.jar" ] || return 1
  done
}

rediacc_images_base_key() {
  printf '%s\n' "$REDIACC_IMAGE_BASE_FORMAT" "$REDIACC_IMAGE_SUITE" "$REDIACC_IMAGE_MIRROR" \
    "$REDIACC_IMAGE_PACKAGES" "$REDIACC_IMAGE_UNUSED" "$REDIACC_IMAGE_UID" | sha256sum | cut -c1-16
}

rediacc_images_base() {
  local layout tmp started
  layout="$ROOT/.dev/images/base-$(rediacc_images_base_key)"
  if [ -f "$layout/index.json" ]; then
    echo "$layout"
    return 0
  fi
  started=$(date +%s)
  echo "images: building the base ($REDIACC_IMAGE_SUITE, $REDIACC_IMAGE_PACKAGES) into $layout" >&2
  rm -rf "$layout.tmp" && mkdir -p "$layout.tmp"
  tmp="$layout.tmp"
  umoci init --layout "$tmp/oci"
  umoci new --image "$tmp/oci:base"
  umoci unpack --image "$tmp/oci:base" "$tmp/bundle" >/dev/null
  # shellcheck disable=SC2016 # the hooks' $1 is mmdebstrap's root directory
  mmdebstrap --quiet --variant=essential --include="$REDIACC_IMAGE_PACKAGES" \
    --customize-hook='rm -rf "$1"/usr/share/doc "$1"/usr/share/man "$1"/usr/share/info "$1"/usr/share/locale "$1"/var/cache/* "$1"/var/lib/apt/lists/* "$1"/var/log/*' \
    --customize-hook="echo 'rediacc:x:$REDIACC_IMAGE_UID:$REDIACC_IMAGE_UID:rediacc:/deployments:/usr/sbin/nologin' >> \"\$1\"/etc/passwd" \
    --customize-hook="echo 'rediacc:x:$REDIACC_IMAGE_UID:' >> \"\$1\"/etc/group" \
    "$REDIACC_IMAGE_SUITE" "$tmp/bundle/rootfs" "$REDIACC_IMAGE_MIRROR" >&2
  rediacc_images_drop_unused "$tmp/bundle/rootfs"
  mkdir -p "$tmp/bundle/rootfs/deployments"
  umoci repack --image "$tmp/oci:base" --history.created_by "dev/images: mmdebstrap $REDIACC_IMAGE_SUITE $REDIACC_IMAGE_PACKAGES" "$tmp/bundle"
  umoci config --image "$tmp/oci:base" --history.created_by "dev/images: runtime settings" \
    --config.user "$REDIACC_IMAGE_UID:$REDIACC_IMAGE_UID" --config.workingdir /deployments \
    --config.env PATH=/usr/local/bin:/usr/bin --config.env LANG=C.UTF-8 \
    --config.env JAVA_HOME="${REDIACC_IMAGE_JAVA%/bin/java}"
  mv "$tmp/oci" "$layout"
  rm -rf "$tmp"
  echo "images: base built in $(( $(date +%s) - started )) s, $(du -sm "$layout/blobs" | cut -f1) MiB compressed" >&2
  echo "$layout"
}

# Removes the files of REDIACC_IMAGE_UNUSED (not directories, which other packages share) and
# their entries in dpkg's database, so an image scanner sees what is really there.
rediacc_images_drop_unused() {
  local rootfs=$1 pkg list
  for pkg in $REDIACC_IMAGE_UNUSED; do
    for list in "$rootfs/var/lib/dpkg/info/$pkg.list" "$rootfs/var/lib/dpkg/info/$pkg:amd64.list"; do
      [ -f "$list" ] || continue
      while IFS= read -r path; do
        if [ -L "$rootfs$path" ] || [ -f "$rootfs$path" ]; then
          rm -f "$rootfs$path"
        fi
      done < "$list"
    done
    rm -f "$rootfs/var/lib/dpkg/info/$pkg".* "$rootfs/var/lib/dpkg/info/$pkg:amd64".*
  done
  awk -v RS= -v ORS='\n\n' -v drop=" $(echo $REDIACC_IMAGE_UNUSED) " \
    '{ split($0, l, "\n"); sub(/^Package: /, "", l[1]); if (index(drop, " " l[1] " ") == 0) print }' \
    "$rootfs/var/lib/dpkg/status" > "$rootfs/var/lib/dpkg/status.new"
  mv "$rootfs/var/lib/dpkg/status.new" "$rootfs/var/lib/dpkg/status"
  rm -f "$rootfs/var/lib/dpkg/status-old" "$rootfs/var/lib/dpkg/available"
}

rediacc_images_service() {
  local base=$1 service=$2 out tmp epoch created version revision source
  out="$ROOT/$service/target/image"
  tmp="$out/build"
  epoch=${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct)}
  created=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)
  version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$ROOT/pom.xml" | head -1)
  revision=$(git -C "$ROOT" rev-parse HEAD)
  source=${REDIACC_IMAGE_SOURCE:-$(git -C "$ROOT" config --get remote.origin.url || echo "$ROOT")}
  rm -rf "$out" && mkdir -p "$tmp/app"
  # Blobs never change once written: hard links share them with the cache; index.json is rewritten.
  cp -al "$base" "$tmp/oci"
  rm "$tmp/oci/index.json" && cp "$base/index.json" "$tmp/oci/index.json"
  cp -a "$ROOT/$service/target/quarkus-app/." "$tmp/app/"
  find "$tmp/app" -exec touch -h -d "@$epoch" {} +
  chmod -R u=rwX,go=rX "$tmp/app"
  umoci insert --image "$tmp/oci:base" --tag "$service" --history.created "$created" \
    --history.created_by "dev/images: $service quarkus-app/lib" "$tmp/app/lib" /deployments/lib
  rm -rf "$tmp/app/lib"
  touch -d "@$epoch" "$tmp/app" # the removal changed its time
  umoci insert --image "$tmp/oci:$service" --history.created "$created" \
    --history.created_by "dev/images: $service quarkus-app" "$tmp/app" /deployments
  umoci config --image "$tmp/oci:$service" --created "$created" --history.created "$created" \
    --history.created_by "dev/images: $service entrypoint and labels" \
    --config.entrypoint "$REDIACC_IMAGE_JAVA" --config.entrypoint -jar \
    --config.entrypoint /deployments/quarkus-run.jar \
    --config.label "org.opencontainers.image.title=rediacc $service" \
    --config.label "org.opencontainers.image.version=$version" \
    --config.label "org.opencontainers.image.revision=$revision" \
    --config.label "org.opencontainers.image.source=$source" \
    --config.label "org.opencontainers.image.created=$created" \
    --config.label "org.opencontainers.image.base.name=debian:$REDIACC_IMAGE_SUITE $REDIACC_IMAGE_PACKAGES"
  umoci rm --image "$tmp/oci:base"
  umoci gc --layout "$tmp/oci"
  tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner \
    -cf "$out/$service.oci.tar" -C "$tmp/oci" .
  python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' "$tmp/oci/index.json"
  rm -rf "$tmp"
}

rediacc_images_pin() {
  local kustomization=$1 digests=$2 service digest
  for service in "${REDIACC_IMAGE_SERVICES[@]}"; do
    digest=$(sed -n "s/^$(echo "$service" | tr 'a-z-' 'A-Z_')_DIGEST=//p" "$digests")
    # the digest: line right after the image's name: line
    sed -i "/name: rediacc\/$service\$/{n;s/digest: .*/digest: $digest/}" "$kustomization"
  done
  echo "images: pinned the digests in $kustomization" >&2
}
