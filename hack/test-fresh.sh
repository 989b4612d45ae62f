#!/usr/bin/env bash
# Runs the README's commands the way a newcomer meets them: a clean clone of
# HEAD in a temporary directory, with new, empty Go module and build caches,
# then `make test` (which must pass on its first run) and `make demo` (which
# must reach .demo/ready). A warm machine hides missing download or build
# steps; this does not. It takes the cold build's time (tens of minutes on 2
# cores). Set KEEP=1 to keep the directory afterwards.
set -o errexit
set -o nounset
set -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
if [[ -n "$(git -C "${ROOT}" status --porcelain)" ]]; then
    echo "test-fresh: note: uncommitted changes are not tested (the clone is of HEAD $(git -C "${ROOT}" rev-parse --short HEAD))" >&2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/meridian-fresh-XXXXXX")
demo_pid=""
cleanup() {
    status=$?
    if [[ -n "${demo_pid}" ]] && kill -0 "${demo_pid}" 2>/dev/null; then
        kill -INT -- "-${demo_pid}" 2>/dev/null || true
        wait "${demo_pid}" 2>/dev/null || true
    fi
    if [[ "${KEEP:-}" == 1 || ${status} -ne 0 ]]; then
        echo "test-fresh: kept ${tmp}" >&2
    else
        # The module cache is written read-only.
        chmod -R u+w "${tmp}" 2>/dev/null || true
        rm -rf "${tmp}"
    fi
}
trap cleanup EXIT

git clone --quiet --no-local --no-hardlinks "${ROOT}" "${tmp}/meridian"
mkdir -p "${tmp}/gomodcache" "${tmp}/gocache" "${tmp}/gopath"
export GOMODCACHE="${tmp}/gomodcache" GOCACHE="${tmp}/gocache" GOPATH="${tmp}/gopath"
unset MERIDIAN_BIN_DIR
cd "${tmp}/meridian"
echo "test-fresh: clone of $(git rev-parse --short HEAD) in ${tmp}/meridian, GOMODCACHE and GOCACHE empty"

start=$(date +%s)
make test 2>&1 | tee "${tmp}/make-test.log"
test_secs=$(( $(date +%s) - start ))
echo "test-fresh: make test passed on the first run in $((test_secs / 60))m$((test_secs % 60))s"

# The demo then builds only what the tests did not (its own binaries).
start=$(date +%s)
# Its own process group, so that Ctrl-C reaches make and the demo as a
# terminal would send it.
setsid make demo >"${tmp}/make-demo.log" 2>&1 &
demo_pid=$!
until [[ -f .demo/ready ]]; do
    if ! kill -0 "${demo_pid}" 2>/dev/null; then
        cat "${tmp}/make-demo.log" >&2
        echo "test-fresh: make demo exited before .demo/ready" >&2
        exit 1
    fi
    if (( $(date +%s) - start > 1200 )); then
        cat "${tmp}/make-demo.log" >&2
        echo "test-fresh: make demo did not reach .demo/ready within 20 minutes" >&2
        exit 1
    fi
    sleep 2
done
demo_secs=$(( $(date +%s) - start ))
KUBECONFIG=.demo/kubeconfig bin/meridianctl cluster list
kill -INT -- "-${demo_pid}"
wait "${demo_pid}" || true # make reports the interrupt in its exit status
demo_pid=""
if pgrep -f "${tmp}/meridian/.demo" >/dev/null; then
    pgrep -af "${tmp}/meridian/.demo" >&2
    echo "test-fresh: processes of the demo are still running after Ctrl-C" >&2
    exit 1
fi
echo "test-fresh: make demo reached .demo/ready in $((demo_secs / 60))m$((demo_secs % 60))s and stopped on Ctrl-C"
echo "test-fresh: ok (make test $((test_secs / 60))m$((test_secs % 60))s, make demo $((demo_secs / 60))m$((demo_secs % 60))s)"
