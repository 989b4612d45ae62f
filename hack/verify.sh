#!/usr/bin/env bash
# Fails when generated code is stale (or was edited by hand), when gofmt would
# change a file, or when go vet complains. CI runs it through `make test`.
set -o errexit
set -o nounset
set -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "${ROOT}"
failed=0

# The files of the tree as it is: tracked or untracked-but-not-ignored, and present.
tree_files() {
    git ls-files -co --exclude-standard -z | while IFS= read -r -d '' f; do
        [[ -e "${f}" ]] && printf '%s\0' "${f}"
    done
}

echo ">> gofmt"
unformatted=$(tree_files | grep -z '\.go$' | xargs -0 gofmt -l)
if [[ -n "${unformatted}" ]]; then
    echo "gofmt would change these files (run: gofmt -w <file>):" >&2
    echo "${unformatted}" >&2
    failed=1
fi

echo ">> go vet"
# The tool modules under hack/tools only wrap upstream mains (gofmt covers
# them); vetting them would type-check all of Kubernetes.
go vet ./... || failed=1

echo ">> generated code"
# Regenerate in a copy of the tree, then compare: this catches both stale
# output and hand edits of generated files, and never touches the work tree.
tmp=$(mktemp -d)
trap 'rm -rf "${tmp}"' EXIT
tree_files | xargs -0 cp --parents -t "${tmp}"
mkdir -p "${tmp}/bin"
if ! (cd "${tmp}" && hack/update-codegen.sh >"${tmp}/codegen.log" 2>&1); then
    cat "${tmp}/codegen.log" >&2
    echo "hack/update-codegen.sh failed in a copy of the tree" >&2
    exit 1
fi
for path in pkg artifacts charts hack/api-rules; do
    if ! diff -r -q "${ROOT}/${path}" "${tmp}/${path}" >"${tmp}/diff.txt"; then
        echo "generated files under ${path} are stale or were edited by hand (run: make generate):" >&2
        cat "${tmp}/diff.txt" >&2
        diff -r -u "${ROOT}/${path}" "${tmp}/${path}" | head -40 >&2 || true
        failed=1
    fi
done

if [[ "${failed}" != 0 ]]; then
    exit 1
fi
echo "verify: ok"
