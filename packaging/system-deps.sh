#!/usr/bin/env bash
# Install the Debian packages listed in packaging/debian-packages.txt (and, with --test, those in
# packaging/debian-test-packages.txt) when any is missing. Needs root for apt-get; without it, says
# exactly what to install and fails.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lists=("$here/debian-packages.txt")
if [[ "${1:-}" == "--test" ]]; then lists+=("$here/debian-test-packages.txt"); fi
wanted=$(grep -hv '^\s*#' "${lists[@]}" | tr -s ' \n' ' ')
missing=()
for pkg in $wanted; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
if [[ $(id -u) -ne 0 ]]; then
  echo "scanproof: missing Debian packages: ${missing[*]}" >&2
  echo "scanproof: install them as root: apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 3
fi
echo "Installing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
