#!/usr/bin/env bash
# Makes sure a headless Chromium is on the machine for the dashboard's
# browser tests (test/e2e/dashboard_test.go drives it with chromedp):
# $MERIDIAN_CHROME, or Debian's chromium-headless-shell or chromium. Where
# none is present it installs Debian's chromium-headless-shell with apt-get
# (as root, or through sudo).
set -o errexit
set -o nounset
set -o pipefail

if [[ -n "${MERIDIAN_CHROME:-}" ]]; then
	if [[ -x "${MERIDIAN_CHROME}" ]]; then
		echo ">> browser tests use ${MERIDIAN_CHROME} (MERIDIAN_CHROME)"
		exit 0
	fi
	echo "MERIDIAN_CHROME=${MERIDIAN_CHROME} is not an executable: point it at a Chromium, or unset it" >&2
	exit 1
fi
for name in chromium-headless-shell chromium chromium-browser; do
	if path=$(command -v "${name}"); then
		echo ">> browser tests use ${path}"
		exit 0
	fi
done
if ! command -v apt-get >/dev/null; then
	echo "no Chromium found and no apt-get to install one: install Chromium (or chromium-headless-shell) and set MERIDIAN_CHROME to it" >&2
	exit 1
fi
sudo=""
if [[ "$(id -u)" != 0 ]]; then
	if ! command -v sudo >/dev/null; then
		echo "no Chromium found: install Debian's chromium-headless-shell as root (apt-get install chromium-headless-shell)" >&2
		exit 1
	fi
	sudo=sudo
fi
echo ">> installing Debian's chromium-headless-shell for the browser tests (apt-get; about a minute)"
export DEBIAN_FRONTEND=noninteractive
${sudo} apt-get install -y --no-install-recommends chromium-headless-shell >/dev/null ||
	{ ${sudo} apt-get update -qq && ${sudo} apt-get install -y --no-install-recommends chromium-headless-shell >/dev/null; }
echo ">> browser tests use $(command -v chromium-headless-shell)"
